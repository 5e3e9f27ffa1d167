/** Node, pod and service ranges: valid network addresses, overlapping nothing anywhere in the mesh (ClusterMesh routes pod IPs between clusters). */
import { MeshRule, Range, clustersOf, overlaps, subnetFacts } from "./rule";

export const addressRanges: MeshRule = (config, { err }) => {
  const clusters = clustersOf(config);
  const ranges: Range[] = [];
  for (const { c, path } of clusters) {
    for (const field of ["nodeSubnet", "podSubnet", "serviceSubnet"] as const) {
      const cidr = c.network[field];
      const facts = subnetFacts(cidr);
      const p = `${path}.network.${field}`;
      if (facts.network !== cidr.split("/")[0]) {
        err(p, `${cidr} has host bits set`, `write the network address: ${facts.network}/${facts.net[1]}`);
        continue;
      }
      ranges.push({ path: p, cidr, net: facts.net });
    }
  }
  ranges.forEach((a, i) =>
    ranges.slice(0, i).forEach((b) => {
      if (overlaps(a, b))
        err(a.path, `${a.cidr} overlaps ${b.path} (${b.cidr})`, "give every node, pod and service range in the mesh its own non-overlapping CIDR");
    }),
  );
};
