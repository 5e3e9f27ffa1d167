/** Rook on fewer than 3 workers gets a single Ceph mon (lib/platform/rook-ceph.ts): said, since it leaves the storage without a quorum to fail over to. */
import { rookDaemonCounts } from "../../platform/rook-ceph";
import { MeshRule, clustersOf } from "./rule";

export const rookMons: MeshRule = (config, { warn }) => {
  for (const { c, path } of clustersOf(config)) {
    const workers = c.workers.nodes.length;
    // No workers at all is an error of cluster-shape.ts.
    if (!c.platform.rookCeph.enabled || workers === 0) continue;
    const { mons } = rookDaemonCounts(workers);
    if (mons >= 3) continue;
    warn(
      `${path}.platform.rookCeph`,
      `rook-ceph on ${workers} worker${workers === 1 ? "" : "s"} runs a single Ceph mon (mons are one per node, in an odd number: 3 need 3 workers), so the storage stops whenever that mon's worker is down`,
      "add workers to reach 3 for three mons, or keep one mon knowingly (fine for a lab)",
    );
  }
};
