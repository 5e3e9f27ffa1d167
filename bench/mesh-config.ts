/** A generated mesh of `n` clusters, 3 control planes + 3 workers each, for the benchmark. */
import { MeshConfigInput } from "../lib/config/schema";

export function generatedMesh(n: number): MeshConfigInput {
  if (n < 1 || n > 255) throw new Error(`generatedMesh: ${n} clusters; use 1 to 255 (ClusterMesh's limit)`);
  const clusters = Array.from({ length: n }, (_, i) => {
    const id = i + 1;
    const net = `10.${id}.0`;
    const node = (role: string, k: number) => ({
      name: `c${id}-${role}-${k}`,
      ip: `${net}.${(role === "cp" ? 10 : 20) + k}`,
      vmId: id * 100 + (role === "cp" ? 10 : 20) + k,
      proxmoxNode: `pve${k}`,
    });
    return {
      name: `c${id}`,
      id,
      network: {
        nodeSubnet: `${net}.0/24`,
        gateway: `${net}.1`,
        vip: `${net}.5`,
        podSubnet: `172.${16 + (id % 16)}.${Math.floor(id / 16) * 16}.0/20`,
        serviceSubnet: `192.168.${id}.0/24`,
      },
      controlPlane: { nodes: [1, 2, 3].map((k) => node("cp", k)) },
      workers: { nodes: [1, 2, 3].map((k) => node("w", k)) },
      clustermesh: { nodePort: 30000 + id },
    };
  });
  return { proxmox: { endpoint: "https://pve1.example.internal:8006/" }, clusters };
}
