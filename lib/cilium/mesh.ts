/** ClusterMesh's fixed ports (who peers with whom is derived from the config in stacks/index.ts). */

/** The clustermesh-apiserver's own port, which a LoadBalancer Service exposes as is. */
export const CLUSTERMESH_APISERVER_PORT = 2379;
