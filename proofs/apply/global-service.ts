/**
 * The apply proof's app and its judgement of the live Service: a Service
 * annotated as global across the mesh, from the tiny chart in
 * proofs/apply/global-echo (no shared chart fits), installed in both clusters
 * through `platform.extraReleases`. Kept apart from proofs/apply.ts (which
 * runs the proof when loaded) so the judgement can be tested on its own.
 */

export const GLOBAL_APP = {
  name: "global-echo",
  chart: "global-echo",
  version: "0.1.0",
  namespace: "global-echo",
  annotations: { "service.cilium.io/global": "true", "service.cilium.io/affinity": "local" },
} as const;

/** How `kubectl get svc <app> -o json` ended on one cluster. */
export interface KubectlResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The verdict on one cluster, in the proof's check(ok, what) shape. */
export interface GlobalServiceVerdict {
  readonly ok: boolean;
  readonly what: string;
}

/**
 * Whether the app's Service on `cluster` carries the release values'
 * annotations as given: the global one with its key whole and the string
 * "true" (Cilium shares a Service across the mesh only then), the affinity
 * beside it. Anything else the API server added (Helm's own) is ignored.
 */
export function globalServiceVerdict(cluster: string, live: KubectlResult): GlobalServiceVerdict {
  const what = `${cluster}: Service ${GLOBAL_APP.namespace}/${GLOBAL_APP.name} carries service.cilium.io/global: "true" from the release values`;
  if (live.status !== 0) return { ok: false, what: `${what} (live: kubectl exit ${live.status}: ${live.stderr.trim()})` };
  let annotations: Record<string, unknown>;
  try {
    annotations = (JSON.parse(live.stdout).metadata?.annotations ?? {}) as Record<string, unknown>;
  } catch {
    return { ok: false, what: `${what} (live: not JSON: ${live.stdout.trim().slice(0, 200)})` };
  }
  const ours = Object.fromEntries(Object.keys(GLOBAL_APP.annotations).map((k) => [k, annotations[k]]));
  const ok = annotations["service.cilium.io/global"] === "true" && JSON.stringify(ours) === JSON.stringify(GLOBAL_APP.annotations);
  return { ok, what: `${what} (live: ${JSON.stringify(annotations)})` };
}
