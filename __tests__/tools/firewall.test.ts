// The firewall rules (the firewall table of the docs): every port each
// cluster must reach on the other, from the config.
import { firewallRules } from "../../tools/firewall";
import { resolvedConfig, threeClusterConfig } from "../helpers";

it("the firewall table names every port each cluster must reach on the other", () => {
  const rows = firewallRules(resolvedConfig()).filter((r) => r.from.startsWith("talos-east nodes"));
  expect(rows.map((r) => [r.to, r.port])).toEqual([
    ["talos-west nodes (10.20.0.0/24)", "8472/udp"],
    ["talos-west nodes (10.20.0.0/24)", "4240/tcp, ICMP echo"],
    ["talos-west nodes (10.20.0.0/24)", "32380/tcp"],
    ["talos-west nodes (10.20.0.0/24)", "4244/tcp"],
  ]);
  // WireGuard is one switch away, with its row for every pair of clusters.
  const wireguard = firewallRules(resolvedConfig((c) => (c.encryption = { type: "wireguard" })));
  expect(wireguard.filter((r) => r.port === "51871/udp").map((r) => [r.from, r.to])).toEqual([
    ["talos-east nodes (10.10.0.0/24)", "talos-west nodes (10.20.0.0/24)"],
    ["talos-west nodes (10.20.0.0/24)", "talos-east nodes (10.10.0.0/24)"],
  ]);
  expect(rows.some((r) => r.port === "51871/udp")).toBe(false);
  // A LoadBalancer clustermesh-apiserver is reached at its address on 2379.
  const lb = firewallRules(
    resolvedConfig((c) => (c.clusters[1].clustermesh = { serviceType: "LoadBalancer", loadBalancerIP: "10.20.0.201", nodePort: 32380 })),
  );
  expect(lb.filter((r) => r.from.startsWith("talos-east") && r.why.includes("clustermesh")).map((r) => [r.to, r.port])).toEqual([
    ["talos-west clustermesh-apiserver 10.20.0.201", "2379/tcp"],
  ]);
  const three = firewallRules(threeClusterConfig());
  expect(three.filter((r) => r.port.startsWith("179/tcp")).map((r) => [r.from, r.to])).toEqual([["talos-edge nodes (10.30.0.0/24)", "BGP peer 10.30.0.1"]]);
  expect(three.filter((r) => r.port === "32381/tcp").map((r) => r.from)).toEqual(["talos-east nodes (10.10.0.0/24)", "talos-west nodes (10.20.0.0/24)"]);
  expect(three.filter((r) => r.port === "6443/tcp").map((r) => r.to)).toEqual([
    "talos-east API endpoint 10.10.0.10",
    "talos-west API endpoint 10.20.0.10",
    "talos-edge API endpoint 10.30.0.11",
  ]);
});
