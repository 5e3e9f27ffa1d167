/** An odd number of control planes staying (etcd quorum), the first one never leaving, Rook only with workers and at most as many replicas, unique extra release names. */
import { MeshRule, clustersOf, unique } from "./rule";

export const clusterShape: MeshRule = (config, { err }) => {
  const clusters = clustersOf(config);
  for (const { c, path } of clusters) {
    if (c.controlPlane.nodes[0]?.leaving) {
      err(
        `${path}.controlPlane.nodes[0].leaving`,
        `${c.controlPlane.nodes[0].name} is the first control plane, where etcd was bootstrapped`,
        "keep it (any other node can leave), or rebuild it in place: give it a new vmId and its config is applied to the new VM",
      );
    }
    const cps = c.controlPlane.nodes.filter((n) => !n.leaving).length;
    if (cps === 0 || cps % 2 === 0) {
      err(`${path}.controlPlane.nodes`, `${cps} control planes`, "use an odd number (1, 3 or 5) so etcd keeps quorum");
    }
    const workers = c.workers.nodes.length;
    const rook = c.platform.rookCeph;
    if (rook.enabled && workers === 0) {
      err(
        `${path}.platform.rookCeph.enabled`,
        "rook-ceph is on but the cluster has no workers for its OSDs",
        "add workers, or set platform.rookCeph.enabled: false",
      );
    } else if (rook.enabled && rook.replicas !== undefined && rook.replicas > workers) {
      err(
        `${path}.platform.rookCeph.replicas`,
        `replica count ${rook.replicas} is larger than the worker count ${workers}`,
        `use at most ${workers}, or add workers`,
      );
    }
    unique(
      c.platform.extraReleases.map((r, i) => ({ r, p: `${path}.platform.extraReleases[${i}]` })),
      (x) => x.r.name,
      (x) => x.p,
      (x, first) => err(`${x.p}.name`, `release name "${x.r.name}" is already used by ${first.p}`, "give every extra release in the cluster a unique name"),
    );
  }
};
