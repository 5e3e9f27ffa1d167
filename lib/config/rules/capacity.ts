/** What the platform requests against what the nodes offer (lib/platform/capacity.ts). */
import { capacityFindings } from "../../platform/capacity";
import { MeshRule, clustersOf } from "./rule";

export const capacity: MeshRule = (config, { err, warn }) => {
  const clusters = clustersOf(config);
  for (const { c, path } of clusters) {
    for (const f of capacityFindings(c)) {
      const at = /^control plane /.test(f.message) || c.workers.nodes.length === 0 ? `${path}.controlPlane.memoryGiB` : `${path}.workers.memoryGiB`;
      (f.level === "error" ? err : warn)(at, f.message, f.fix);
    }
  }
};
