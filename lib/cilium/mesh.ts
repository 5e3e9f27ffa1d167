/** ClusterMesh topology derived from the config: who peers with whom, at which address. */
import { ClusterConfig, MeshConfig } from "../config/schema";
import { ClusterMeshPeer } from "./values";

/** The clustermesh-apiserver's own port, which a LoadBalancer Service exposes as is. */
export const CLUSTERMESH_APISERVER_PORT = 2379;

/** How peers reach `cluster`'s clustermesh-apiserver. */
export function peerEndpoint(cluster: ClusterConfig): ClusterMeshPeer {
  // A LoadBalancer address from the cluster's pool (the config rule requires one).
  if (cluster.clustermesh.serviceType === "LoadBalancer" && cluster.clustermesh.loadBalancerIP !== undefined)
    return { name: cluster.name, ips: [cluster.clustermesh.loadBalancerIP], port: CLUSTERMESH_APISERVER_PORT };
  // A NodePort answers on every node; listing all of them survives any one node being down.
  const ips = [...cluster.controlPlane.nodes, ...cluster.workers.nodes].filter((n) => !n.leaving).map((n) => n.ip);
  return { name: cluster.name, ips, port: cluster.clustermesh.nodePort };
}

/** Every cluster of the mesh but `clusterName`: the peers its Cilium connects to. */
export function meshPeers(config: MeshConfig, clusterName: string): ClusterMeshPeer[] {
  return config.clusters.filter((c) => c.name !== clusterName).map(peerEndpoint);
}
