/** Every Proxmox node a VM names is served by an API: its own under proxmox.hosts, or the mesh default. */
import { proxmoxConnection } from "../../proxmox/connections";
import { MeshRule, nodesOf } from "./rule";

export const proxmoxEndpoints: MeshRule = (config, { err, warn }) => {
  const used = new Set<string>();
  for (const { node, path } of nodesOf(config)) {
    used.add(node.proxmoxNode);
    if (!proxmoxConnection(config.proxmox, node.proxmoxNode))
      err(
        `${path}.proxmoxNode`,
        `Proxmox node "${node.proxmoxNode}" has no API endpoint: it is not under proxmox.hosts and proxmox.endpoint is not set`,
        `add proxmox.hosts.${node.proxmoxNode}.endpoint (a standalone host), or set proxmox.endpoint to the PVE cluster that has node ${node.proxmoxNode}`,
      );
  }
  for (const name of Object.keys(config.proxmox.hosts)
    .filter((h) => !used.has(h))
    .sort())
    warn(
      `proxmox.hosts.${name}`,
      `no node of the config runs on Proxmox node "${name}"`,
      `remove it, or check the proxmoxNode names (they must match the host's name)`,
    );
};
