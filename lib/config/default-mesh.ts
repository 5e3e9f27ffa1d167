/**
 * The embedded default mesh, used when AGGRIK8S_CONFIG is not set: two
 * clusters of three control planes and three workers each, spread over three
 * Proxmox nodes, every day-2 component on, LoadBalancer addresses from a
 * range of each node subnet. It synthesizes with no
 * environment; deploying it needs a real Proxmox endpoint and token.
 */
import { MeshConfigInput } from "./schema";

const PROXMOX_NODES = ["pve1", "pve2", "pve3"];

function nodes(prefix: string, subnetBase: string, firstHost: number, firstVmId: number) {
  return PROXMOX_NODES.map((proxmoxNode, i) => ({
    name: `${prefix}-${i + 1}`,
    ip: `${subnetBase}.${firstHost + i}`,
    vmId: firstVmId + i,
    proxmoxNode,
  }));
}

function cluster(name: string, id: number, octet: number): MeshConfigInput["clusters"][number] {
  const subnetBase = `10.${octet}.0`;
  return {
    name,
    id,
    network: {
      nodeSubnet: `${subnetBase}.0/24`,
      gateway: `${subnetBase}.1`,
      vip: `${subnetBase}.10`,
      podSubnet: `10.${100 + octet}.0.0/16`,
      serviceSubnet: `10.${200 + octet}.0.0/16`,
      // LoadBalancer addresses, announced by ARP: a free range of the node subnet.
      loadBalancer: { pool: `${subnetBase}.200-${subnetBase}.219` },
    },
    controlPlane: { nodes: nodes(`${name}-cp`, subnetBase, 11, id * 1000 + 11) },
    workers: { nodes: nodes(`${name}-w`, subnetBase, 21, id * 1000 + 21) },
    clustermesh: { nodePort: 32379 + id - 1 },
    platform: {},
  };
}

export const DEFAULT_MESH: MeshConfigInput = {
  proxmox: { endpoint: "https://pve1.example.internal:8006/" },
  clusters: [cluster("talos-east", 1, 10), cluster("talos-west", 2, 20)],
};
