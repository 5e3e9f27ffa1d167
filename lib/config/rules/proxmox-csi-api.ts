/**
 * The Proxmox CSI plugin talks to every Proxmox API that serves a node of its
 * cluster, each with a token of its own: a standalone host (`proxmox.hosts`)
 * needs its `proxmoxCsi.hosts` entry (a host mints its own tokens), an entry
 * must name a host that serves the cluster, and no two APIs may share a region
 * (the plugin picks the API by the node's region label).
 */
import { isEnabled } from "../../platform/components";
import { proxmoxCsiApis } from "../../platform/proxmox-csi";
import { DEFAULT_CONNECTION, clusterConnections } from "../../proxmox/connections";
import { MeshRule, clustersOf } from "./rule";

const envName = (host: string) => `PROXMOX_CSI_${host.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_TOKEN_SECRET`;
const apiName = (key: string) => (key === DEFAULT_CONNECTION ? "proxmox.endpoint" : `proxmox.hosts.${key}`);

export const proxmoxCsiApi: MeshRule = (config, { err }) => {
  for (const { c, path } of clustersOf(config)) {
    if (!isEnabled(c.platform, "proxmoxCsi")) continue;
    const p = `${path}.platform.proxmoxCsi`;
    const csi = c.platform.proxmoxCsi;
    // A node no API serves is the Proxmox hosts rule's to report.
    const connections = clusterConnections(config.proxmox, c);
    const { apis, missing } = proxmoxCsiApis(csi, connections);
    for (const host of missing) {
      err(
        `${p}.hosts`,
        `the Proxmox CSI plugin talks to every Proxmox API of ${c.name}, and ${apiName(host)} serves nodes of it but has no token of the plugin's`,
        `make the plugin's token on ${host} (docs/operations.md: storage) and add platform.proxmoxCsi.hosts.${host}: { tokenSecret: { env: ${envName(host)} } }, or set platform.proxmoxCsi.enabled: false`,
      );
    }
    const served = new Set(connections.map((x) => x.key));
    for (const host of Object.keys(csi.hosts).filter((h) => !served.has(h))) {
      err(
        `${p}.hosts.${host}`,
        `${host} serves no node of ${c.name} (its nodes are behind ${[...served].map(apiName).join(", ") || "no API"}), so this token is never used`,
        `remove it, or name a host under proxmox.hosts that a node's proxmoxNode names`,
      );
    }
    const byRegion = new Map<string, string>();
    for (const a of apis) {
      const first = byRegion.get(a.region);
      if (first === undefined) {
        byRegion.set(a.region, a.key);
        continue;
      }
      err(
        a.key === DEFAULT_CONNECTION ? `${p}.region` : `${p}.hosts.${a.key}.region`,
        `region ${a.region} of ${apiName(a.key)} is also the region of ${apiName(first)}: the plugin finds a volume's API by its region, so it could not tell them apart`,
        a.key === DEFAULT_CONNECTION
          ? "give platform.proxmoxCsi.region a name no host of the cluster uses"
          : `give platform.proxmoxCsi.hosts.${a.key}.region a name of its own, e.g. ${a.key}`,
      );
    }
  }
};
