/**
 * Stack names: `mesh-ca` for the mesh, `<cluster>-<kind>` per cluster. They
 * are state addresses and CLI arguments (`cdktf deploy talos-east-vms`):
 * renaming one is a breaking change.
 */
export const MESH_CA_STACK = "mesh-ca";
/** The merged kubeconfig of every cluster. */
export const MESH_CREDENTIALS_STACK = "mesh-credentials";

export const CLUSTER_STACK_KINDS = ["vms", "talos", "credentials", "cilium", "platform"] as const;
export type ClusterStackKind = (typeof CLUSTER_STACK_KINDS)[number];

export function clusterStackName(cluster: string, kind: ClusterStackKind): string {
  return `${cluster}-${kind}`;
}
