/**
 * Node, pod and service ranges: valid network addresses. Pod and service
 * ranges are unique in the mesh (ClusterMesh routes pod IPs between clusters,
 * and a service range must not shadow anything routable) and overlap no node
 * subnet. Node subnets may overlap, or be the same: clusters on one flat LAN;
 * their addresses are kept apart by lan-addresses.ts.
 */
import { MeshRule, Range, clustersOf, overlaps, subnetFacts } from "./rule";

/** The rule, as every overlap error states it. */
export const RANGE_RULE =
  "give every pod and service range in the mesh its own CIDR, overlapping no other range and no node subnet (node subnets alone may be shared: clusters on one LAN)";

export const addressRanges: MeshRule = (config, { err }) => {
  const clusters = clustersOf(config);
  const ranges: (Range & { readonly node: boolean })[] = [];
  for (const { c, path } of clusters) {
    for (const field of ["nodeSubnet", "podSubnet", "serviceSubnet"] as const) {
      const cidr = c.network[field];
      const facts = subnetFacts(cidr);
      const p = `${path}.network.${field}`;
      if (facts.network !== cidr.split("/")[0]) {
        err(p, `${cidr} has host bits set`, `write the network address: ${facts.network}/${facts.net[1]}`);
        continue;
      }
      ranges.push({ path: p, cidr, net: facts.net, node: field === "nodeSubnet" });
    }
  }
  ranges.forEach((a, i) =>
    ranges.slice(0, i).forEach((b) => {
      if (a.node && b.node) return;
      if (overlaps(a, b)) err(a.path, `${a.cidr} overlaps ${b.path} (${b.cidr})`, RANGE_RULE);
    }),
  );
};
