/** The Proxmox CSI plugin talks to one Proxmox API: the one that serves every node of its cluster. */
import { isEnabled } from "../../platform/components";
import { clusterConnections } from "../../proxmox/connections";
import { MeshRule, clustersOf } from "./rule";

export const proxmoxCsiApi: MeshRule = (config, { err }) => {
  for (const { c, path } of clustersOf(config)) {
    if (!isEnabled(c.platform, "proxmoxCsi")) continue;
    const apis = clusterConnections(config.proxmox, c);
    // No API at all is the Proxmox hosts rule's to report.
    if (apis.length > 1) {
      err(
        `${path}.platform.proxmoxCsi.enabled`,
        `the Proxmox CSI plugin talks to one Proxmox API, but the nodes of ${c.name} are served by ${apis.length} (${apis.map((a) => a.key).join(", ")})`,
        "put the cluster's nodes behind one API (a PVE cluster's proxmox.endpoint, or one host), or set platform.proxmoxCsi.enabled: false and keep platform.rookCeph on for the default StorageClass",
      );
    }
  }
};
