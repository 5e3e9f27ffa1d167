/**
 * The one registry of stack kinds, and their names: `mesh-ca` and
 * `mesh-credentials` for the mesh, `<cluster>-<kind>` per cluster. Names are
 * state addresses and CLI arguments (`cdktf deploy talos-east-vms`): renaming
 * one is a breaking change. The commands (`destroy --cluster`, the
 * preflight), the stack graph, the proofs and the tests read the kinds from
 * here; a new kind is one entry below, its stack file, its props from the
 * config and its wiring in `index.ts`.
 */

/** What the tooling knows about a kind of stack. */
export interface StackKind {
  /** One stack for the whole mesh (named after the kind), or one per cluster (`<cluster>-<kind>`). */
  readonly scope: "mesh" | "cluster";
  /** What it holds, in a few words (docs, messages). */
  readonly what: string;
  /**
   * It talks to the Proxmox API: `npm run deploy` runs the read-only Proxmox
   * preflight first when one of these is deployed.
   * @default false
   */
  readonly proxmoxApi?: boolean;
  /**
   * It creates or configures machines (Proxmox VMs, Talos nodes), which no
   * Kubernetes API can stand in for: the apply proof deploys every other kind
   * on its local control planes and stands in for these with fixture state.
   * @default false
   */
  readonly machines?: boolean;
}

/** Every stack kind, in the order buildMesh constructs them. */
export const STACK_KINDS = {
  "mesh-ca": { scope: "mesh", what: "one CA for every cluster's Cilium" },
  vms: { scope: "cluster", what: "Talos image, ISO and VMs", proxmoxApi: true, machines: true },
  talos: { scope: "cluster", what: "machine configs, bootstrap, kubeconfig", machines: true },
  cilium: { scope: "cluster", what: "CNI and ClusterMesh, nodes Ready" },
  platform: { scope: "cluster", what: "day-2 releases" },
  credentials: { scope: "cluster", what: "the cluster's kubeconfig and talosconfig files" },
  "mesh-credentials": { scope: "mesh", what: "one kubeconfig, a context per cluster" },
} as const satisfies Readonly<Record<string, StackKind>>;

export type StackKindName = keyof typeof STACK_KINDS;
type KindsOf<S extends StackKind["scope"]> = { [K in StackKindName]: (typeof STACK_KINDS)[K]["scope"] extends S ? K : never }[StackKindName];
/** A kind with one stack per cluster. */
export type ClusterStackKind = KindsOf<"cluster">;
/** A kind with one stack for the mesh (its name is the kind). */
export type MeshStackKind = KindsOf<"mesh">;

const kinds = Object.keys(STACK_KINDS) as StackKindName[];
/** The per-cluster kinds, in registry order. */
export const CLUSTER_STACK_KINDS: readonly ClusterStackKind[] = kinds.filter((k): k is ClusterStackKind => STACK_KINDS[k].scope === "cluster");
/** The mesh-wide kinds, in registry order. */
export const MESH_STACK_KINDS: readonly MeshStackKind[] = kinds.filter((k): k is MeshStackKind => STACK_KINDS[k].scope === "mesh");

/** Whether a kind creates or configures machines (StackKind.machines). */
export function needsMachines(kind: StackKindName): boolean {
  return (STACK_KINDS[kind] as StackKind).machines === true;
}

export const MESH_CA_STACK = "mesh-ca" satisfies MeshStackKind;
/** The merged kubeconfig of every cluster. */
export const MESH_CREDENTIALS_STACK = "mesh-credentials" satisfies MeshStackKind;

export function clusterStackName(cluster: string, kind: ClusterStackKind): string {
  return `${cluster}-${kind}`;
}

/** Every stack name of a cluster, in registry order. */
export function clusterStackNames(cluster: string): string[] {
  return CLUSTER_STACK_KINDS.map((k) => clusterStackName(cluster, k));
}

/** Every stack name of a mesh of these clusters: mesh-wide kinds first, then each cluster's, then the mesh-wide kinds after them (registry order). */
export function meshStackNames(clusters: readonly string[]): string[] {
  const [before, after] = [kinds.slice(0, kinds.indexOf(CLUSTER_STACK_KINDS[0])), kinds.slice(kinds.indexOf(CLUSTER_STACK_KINDS[0]))].map((ks) =>
    ks.filter((k): k is MeshStackKind => STACK_KINDS[k].scope === "mesh"),
  );
  return [...before, ...clusters.flatMap(clusterStackNames), ...after];
}

/** A stack name read back: which kind, and which cluster for a per-cluster kind. */
export type ParsedStackName = { readonly kind: MeshStackKind } | { readonly kind: ClusterStackKind; readonly cluster: string };

/**
 * Which kind (and cluster) a stack name is, given the mesh's clusters; a
 * name of no known kind is `undefined`. Matched exactly (`<cluster>-<kind>`
 * for a cluster of the list), so a cluster named like another's prefix
 * (`east`, `east-2`) never takes the other's stacks.
 */
export function parseStackName(name: string, clusters: readonly string[]): ParsedStackName | undefined {
  const mesh = MESH_STACK_KINDS.find((k) => k === name);
  if (mesh) return { kind: mesh };
  for (const cluster of clusters) for (const kind of CLUSTER_STACK_KINDS) if (name === clusterStackName(cluster, kind)) return { kind, cluster };
  return undefined;
}

/** The cluster a stack belongs to, or `undefined` for a mesh-wide (or unknown) stack. */
export function clusterOfStack(name: string, clusters: readonly string[]): string | undefined {
  const parsed = parseStackName(name, clusters);
  return parsed && "cluster" in parsed ? parsed.cluster : undefined;
}

/** The registry entry of a stack name's kind, or `undefined` for a name of no known kind (a glob pattern, a typo). */
export function kindOf(name: string, clusters: readonly string[]): StackKind | undefined {
  const parsed = parseStackName(name, clusters);
  return parsed ? STACK_KINDS[parsed.kind] : undefined;
}
