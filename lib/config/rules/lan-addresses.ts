/**
 * Clusters may share a node subnet (one flat LAN, see address-ranges.ts), so
 * addresses are kept apart across clusters: every VIP is its cluster's own,
 * and no VIP or node takes another cluster's gateway. Node IPs against each
 * other are in names.ts, a VIP against any node in subnet-addresses.ts.
 * LoadBalancer pools against all of these: lb-pool-overlaps.ts.
 */
import { MeshRule, clustersOf, nodesOf, unique } from "./rule";

/** The rule, as every error of this file states it. */
export const SHARED_LAN_RULE =
  "clusters may share a node subnet (one flat LAN), so every node IP and VIP must be distinct across the mesh and none may be a gateway: use a free address";

export const lanAddresses: MeshRule = (config, { err }) => {
  const clusters = clustersOf(config);
  const nodes = nodesOf(config);
  unique(
    clusters.filter((x) => x.c.network.vip !== undefined),
    (x) => x.c.network.vip,
    (x) => x.path,
    (x, first) => err(`${x.path}.network.vip`, `VIP ${x.c.network.vip} is also the VIP of ${first.path} (${first.c.name})`, SHARED_LAN_RULE),
  );
  for (const a of clusters) {
    for (const b of clusters) {
      // Clusters behind one router share its address as their gateway: that is no collision.
      const gateway = b.c.network.gateway;
      if (a === b || a.c.network.gateway === gateway) continue;
      if (a.c.network.vip === gateway) err(`${a.path}.network.vip`, `VIP ${gateway} is the gateway of ${b.path} (${b.c.name})`, SHARED_LAN_RULE);
      for (const n of nodes.filter((n) => n.cluster === a.c && n.node.ip === gateway)) {
        err(`${n.path}.ip`, `IP ${gateway} is the gateway of ${b.path} (${b.c.name})`, SHARED_LAN_RULE);
      }
    }
  }
};
