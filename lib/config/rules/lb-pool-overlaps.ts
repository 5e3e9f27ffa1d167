/**
 * A LoadBalancer pool holds no address anything else has: a node IP, the VIP,
 * the gateway (of any cluster: clusters may share a LAN), a node subnet's
 * network or broadcast address, a pod or service range, another cluster's
 * node subnet unless it is the same LAN, or another cluster's pool. Two owners of one address answer
 * ARP for it in turn, and ClusterMesh routes every pod and service range.
 */
import { lbIpam, inPool, poolsOverlap } from "../../cilium/lb-ipam";
import { MeshRule, clustersOf, nodesOf, subnetFacts } from "./rule";

const FIX = "move the pool to addresses nothing else in the mesh uses (the node subnet's free range, or a routed range with bgp)";

export const lbPoolOverlaps: MeshRule = (config, { err }) => {
  const clusters = clustersOf(config);
  const nodes = nodesOf(config);
  const pools = clusters.flatMap(({ c, path }) => {
    const lb = lbIpam(c);
    return lb ? [{ c, pool: lb.pool, path: `${path}.network.loadBalancer.pool` }] : [];
  });
  for (const { c, pool, path } of pools) {
    // Clusters may share a node subnet (one flat LAN): every cluster's
    // gateway, VIP and node IPs, and the network and broadcast address of
    // every node subnet, are addresses the pool must not hold.
    const addresses: [string, string][] = clusters.flatMap(({ c: o, path: opath }) => {
      const { network, broadcast } = subnetFacts(o.network.nodeSubnet);
      return [
        [`${opath}.network.gateway`, o.network.gateway],
        ...(o.network.vip ? [[`${opath}.network.vip`, o.network.vip] as [string, string]] : []),
        [`the network address of ${opath}.network.nodeSubnet`, network],
        [`the broadcast address of ${opath}.network.nodeSubnet`, broadcast],
      ] as [string, string][];
    });
    addresses.push(...nodes.map((n): [string, string] => [`${n.path}.ip`, n.node.ip]));
    const seen = new Set<string>();
    for (const [owner, ip] of addresses) {
      if (seen.has(`${owner} ${ip}`)) continue;
      seen.add(`${owner} ${ip}`);
      if (inPool(pool, ip)) err(path, `pool ${pool} holds ${ip}, which is ${owner}`, FIX);
    }
    for (const { c: other, path: opath } of clusters) {
      for (const field of ["podSubnet", "serviceSubnet"] as const) {
        const cidr = other.network[field];
        if (poolsOverlap(pool, cidr)) err(path, `pool ${pool} overlaps ${opath}.network.${field} (${cidr})`, FIX);
      }
      // Another cluster's node subnet is fine only as the same LAN (then its addresses are checked above).
      if (other !== c && other.network.nodeSubnet !== c.network.nodeSubnet && poolsOverlap(pool, other.network.nodeSubnet))
        err(path, `pool ${pool} overlaps ${opath}.network.nodeSubnet (${other.network.nodeSubnet})`, FIX);
    }
  }
  pools.forEach((a, i) =>
    pools.slice(0, i).forEach((b) => {
      if (poolsOverlap(a.pool, b.pool))
        err(a.path, `pool ${a.pool} of ${a.c.name} overlaps ${b.path} (${b.pool}) of ${b.c.name}`, "give every cluster's pool its own addresses");
    }),
  );
};
