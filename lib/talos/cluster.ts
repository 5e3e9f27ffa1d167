/** What the Talos stack derives from a cluster's config: its API endpoint and each node's patches. */
import { ClusterConfig } from "../config/schema";
import { isEnabled } from "../platform/components";
import { PatchDocument, nodePatchDocuments } from "./patches";

/** The Kubernetes API endpoint: the VIP, or the first control plane without one. */
export function clusterEndpoint(cluster: ClusterConfig): string {
  return `https://${cluster.network.vip ?? cluster.controlPlane.nodes[0].ip}:6443`;
}

/** A node of the cluster and how to patch its machine config. */
export interface ClusterNode {
  readonly name: string;
  readonly ip: string;
  readonly role: "controlplane" | "worker";
  /** Its patch documents, given the installer image (known to the Talos stack). */
  readonly patches: (installerImage: string) => PatchDocument[];
  /**
   * What replaces its VM when it changes (the Proxmox VM id and node): the
   * Talos stack re-applies the node's config when it does. Known from the
   * config, so the Talos stack still plans before its VMs exist.
   */
  readonly vmIdentity: Readonly<Record<string, string>>;
}

/** Nodes of a cluster that are leaving (`leaving: true`): out of the Talos layer, their VMs kept until removed from the config. */
export function leavingNodes(cluster: ClusterConfig): string[] {
  return [...cluster.controlPlane.nodes, ...cluster.workers.nodes].filter((n) => n.leaving).map((n) => n.name);
}

/** Every node of the cluster that is not leaving, control planes first. */
export function clusterNodes(cluster: ClusterConfig): ClusterNode[] {
  const n = cluster.network;
  // A leaving node is out of the Talos layer (reset, then its VM goes in a second deploy).
  const staying = <N extends { leaving: boolean }>(nodes: readonly N[]) => nodes.filter((x) => !x.leaving);
  const cpIps = staying(cluster.controlPlane.nodes).map((x) => x.ip);
  const common = {
    installDisk: cluster.talos.installDisk,
    nodeSubnet: n.nodeSubnet,
    podSubnet: n.podSubnet,
    serviceSubnet: n.serviceSubnet,
    vip: n.vip,
    apiServerSans: [...new Set([...(n.vip ? [n.vip] : []), ...cpIps])],
    scheduleOnControlPlanes: cluster.workers.nodes.length === 0,
  };
  // The Proxmox CSI plugin places volumes by region (the Proxmox cluster) and zone (the Proxmox node).
  const csiTopology = isEnabled(cluster.platform, "proxmoxCsi")
    ? (proxmoxNode: string) => ({ "topology.kubernetes.io/region": cluster.platform.proxmoxCsi.region, "topology.kubernetes.io/zone": proxmoxNode })
    : undefined;
  return [
    ...staying(cluster.controlPlane.nodes).map((node) => ({ node, role: "controlplane" as const })),
    ...staying(cluster.workers.nodes).map((node) => ({ node, role: "worker" as const })),
  ].map(({ node, role }) => ({
    name: node.name,
    ip: node.ip,
    role,
    patches: (installerImage: string) =>
      nodePatchDocuments({ ...common, installerImage, role, hostname: node.name, nodeLabels: csiTopology?.(node.proxmoxNode) }),
    vmIdentity: { vm_id: String(node.vmId), proxmox_node: node.proxmoxNode },
  }));
}
