/**
 * A Mermaid diagram of an app's stacks and their dependencies (the order
 * `cdktf deploy '*'` follows), grouped by cluster. Generated from the
 * constructed app, so it shows what the code builds, not what a doc says.
 */
import { App, TerraformStack } from "cdktf";
import { clusterOfStack } from "../stacks/naming";

export function stackGraphMermaid(app: App, clusters: readonly string[]): string {
  const stacks = app.node.findAll().filter(TerraformStack.isStack);
  const id = (s: TerraformStack) => s.node.id.replace(/[^A-Za-z0-9_]/g, "_");
  const owner = (s: TerraformStack) => clusterOfStack(s.node.id, clusters);
  const lines = ["flowchart LR"];
  for (const s of stacks.filter((x) => !owner(x))) lines.push(`  ${id(s)}["${s.node.id}"]`);
  for (const c of clusters) {
    const own = stacks.filter((s) => owner(s) === c);
    if (own.length === 0) continue;
    lines.push(`  subgraph ${c.replace(/[^A-Za-z0-9_]/g, "_")}["cluster ${c}"]`);
    for (const s of own) lines.push(`    ${id(s)}["${s.node.id}"]`);
    lines.push("  end");
  }
  for (const s of stacks) for (const d of s.dependencies as TerraformStack[]) lines.push(`  ${id(d)} --> ${id(s)}`);
  return ["```mermaid", ...lines, "```"].join("\n");
}

/**
 * The longest chain of stacks, by count, in deploy order: what a deploy of
 * every stack waits for one after another (VM boot, Talos install, Cilium
 * rollout run in sequence along it; everything off it runs alongside).
 */
export function criticalPath(app: App): string[] {
  const stacks = app.node.findAll().filter(TerraformStack.isStack);
  const longest = new Map<TerraformStack, string[]>();
  const visit = (s: TerraformStack): string[] => {
    const known = longest.get(s);
    if (known) return known;
    const before = (s.dependencies as TerraformStack[]).map(visit).sort((a, b) => b.length - a.length)[0] ?? [];
    const path = [...before, s.node.id];
    longest.set(s, path);
    return path;
  };
  return stacks.map(visit).sort((a, b) => b.length - a.length)[0] ?? [];
}

/**
 * How a deploy fans out over runners: the mesh-wide stacks some cluster
 * needs first (`before`, e.g. mesh-ca), then each cluster's chain on its own
 * (one CI job per cluster, all at once: they share only the state backend),
 * then the mesh-wide stacks that read the clusters (`after`, e.g.
 * mesh-credentials). Throws when a cluster's stack needs another cluster's,
 * or a `before` stack needs a cluster's: then the chains are not independent.
 */
export interface DeploySchedule {
  readonly before: readonly string[];
  /** Per cluster, its stacks in deploy order. */
  readonly clusters: readonly { readonly cluster: string; readonly stacks: readonly string[] }[];
  readonly after: readonly string[];
}

export function deploySchedule(app: App, clusters: readonly string[]): DeploySchedule {
  const stacks = app.node.findAll().filter(TerraformStack.isStack);
  const owner = (s: TerraformStack) => clusterOfStack(s.node.id, clusters);
  // Deploy order: dependencies first (stable: construction order otherwise).
  const order: TerraformStack[] = [];
  const visit = (s: TerraformStack) => {
    if (order.includes(s)) return;
    (s.dependencies as TerraformStack[]).forEach(visit);
    order.push(s);
  };
  stacks.forEach(visit);
  const upstream = (s: TerraformStack, acc = new Set<TerraformStack>()): Set<TerraformStack> => {
    for (const d of s.dependencies as TerraformStack[]) if (!acc.has(d)) upstream(d, acc.add(d));
    return acc;
  };
  const needed = new Set(stacks.filter((s) => owner(s)).flatMap((s) => [...upstream(s)].filter((d) => !owner(d))));
  for (const s of stacks) {
    const o = owner(s);
    const crossing = [...upstream(s)].filter((d) => (o ? owner(d) && owner(d) !== o : needed.has(s) && owner(d)));
    if (crossing.length)
      throw new Error(`stack ${s.node.id} depends on ${crossing.map((d) => d.node.id).join(", ")}: the cluster chains would not be independent jobs`);
  }
  return {
    before: order.filter((s) => needed.has(s)).map((s) => s.node.id),
    clusters: clusters.map((c) => ({ cluster: c, stacks: order.filter((s) => owner(s) === c).map((s) => s.node.id) })),
    after: order.filter((s) => !owner(s) && !needed.has(s)).map((s) => s.node.id),
  };
}

/** The schedule as text: what `npm run graph` prints. */
export function formatSchedule(s: DeploySchedule): string {
  return [
    "deploy schedule (one CI job per line; the cluster jobs run at once):",
    `  1. ${s.before.join(", ")}`,
    `  2. ${s.clusters.length} cluster job${s.clusters.length === 1 ? "" : "s"} at once:`,
    ...s.clusters.map((c) => `     - ${c.cluster}: ${c.stacks.join(" -> ")}`),
    `  3. ${s.after.join(", ")}`,
  ].join("\n");
}

/** The cluster jobs as a GitHub Actions matrix (`strategy.matrix: ${{ fromJSON(...) }}`). */
export function scheduleMatrix(s: DeploySchedule): { include: { cluster: string; stacks: string }[] } {
  return { include: s.clusters.map((c) => ({ cluster: c.cluster, stacks: c.stacks.join(" ") })) };
}
