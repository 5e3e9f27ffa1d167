/**
 * Which stacks `npm run diff` can plan. A stack reads its upstream stacks'
 * outputs through terraform_remote_state, and the engine fails the whole plan
 * when an upstream was never deployed ("Unable to find remote state"). So in a
 * fresh environment we diff what can be diffed and name what waits, instead
 * of failing on the first downstream stack.
 */
export interface ManifestStack {
  readonly name: string;
  /** Every stack deployed before this one (manifest.json). */
  readonly dependencies: readonly string[];
  /**
   * The upstream stacks whose state this one reads (terraform_remote_state).
   * Only these block a plan; a pure ordering dependency (VMs before Talos)
   * does not.
   * @default - all of `dependencies`
   */
  readonly reads?: readonly string[];
}

/** The upstream stacks a synthesized stack reads through cdktf's cross-stack references. */
export function remoteStateReads(stackJson: { data?: { terraform_remote_state?: Record<string, unknown> } }): string[] {
  const prefix = "cross-stack-reference-input-";
  return Object.keys(stackJson.data?.terraform_remote_state ?? {})
    .filter((k) => k.startsWith(prefix))
    .map((k) => k.slice(prefix.length))
    .sort();
}

export interface DiffPlan {
  /** Stacks to diff, in dependency order. */
  readonly ready: string[];
  /** Stacks skipped, with the undeployed upstream stacks they wait on. */
  readonly waiting: { readonly stack: string; readonly upstream: string[] }[];
}

/**
 * @param stacks every synthesized stack
 * @param selected the stacks asked for (names; `*` for all)
 * @param deployed whether a stack has state already (undefined: cannot tell, assume yes)
 */
export function diffPlan(stacks: readonly ManifestStack[], selected: readonly string[], deployed: (stack: string) => boolean | undefined): DiffPlan {
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const order: string[] = [];
  const visit = (name: string, seen: Set<string>) => {
    if (order.includes(name) || seen.has(name)) return;
    seen.add(name);
    for (const d of byName.get(name)?.dependencies ?? []) visit(d, seen);
    order.push(name);
  };
  stacks.forEach((s) => visit(s.name, new Set()));
  const wanted = selected.includes("*") ? order : order.filter((n) => selected.includes(n));
  const ready: string[] = [];
  const waiting: DiffPlan["waiting"] = [];
  for (const name of wanted) {
    const stack = byName.get(name);
    const upstream = (stack?.reads ?? stack?.dependencies ?? []).filter((d) => deployed(d) === false);
    if (upstream.length) waiting.push({ stack: name, upstream });
    else ready.push(name);
  }
  return { ready, waiting };
}
