/** Every address a cluster names (gateway, node IPs, VIP) inside its node subnet, none of them its network or broadcast address, the gateway or another node. */
import ipaddr from "ipaddr.js";
import { MeshRule, clustersOf, nodesOf, subnetFacts } from "./rule";

export const subnetAddresses: MeshRule = (config, { err }) => {
  const clusters = clustersOf(config);
  const nodes = nodesOf(config);
  for (const { c, path } of clusters) {
    const { net, network, broadcast } = subnetFacts(c.network.nodeSubnet);
    const subnet = c.network.nodeSubnet;
    const reserved = new Map([
      [network, "the network address"],
      [broadcast, "the broadcast address"],
    ]);
    const inSubnet = (ip: string) => ipaddr.IPv4.parse(ip).match(net);
    if (!inSubnet(c.network.gateway)) {
      err(`${path}.network.gateway`, `gateway ${c.network.gateway} is outside nodeSubnet ${subnet}`, "use the router address of the node subnet");
    } else if (reserved.has(c.network.gateway)) {
      err(
        `${path}.network.gateway`,
        `gateway ${c.network.gateway} is ${reserved.get(c.network.gateway)} of ${subnet}`,
        "use the router address of the node subnet",
      );
    }
    reserved.set(c.network.gateway, "the gateway");
    for (const n of nodes.filter((n) => n.cluster === c)) {
      if (!inSubnet(n.node.ip)) {
        err(`${n.path}.ip`, `IP ${n.node.ip} is outside nodeSubnet ${subnet}`, `use an address inside ${subnet}`);
      } else if (reserved.has(n.node.ip)) {
        err(`${n.path}.ip`, `IP ${n.node.ip} is ${reserved.get(n.node.ip)} of ${subnet}`, "use a free host address of the node subnet");
      }
    }
    const vip = c.network.vip;
    if (vip !== undefined) {
      if (!inSubnet(vip)) {
        err(`${path}.network.vip`, `VIP ${vip} is outside nodeSubnet ${subnet}`, `use a free address inside ${subnet}`);
      } else if (reserved.has(vip)) {
        err(`${path}.network.vip`, `VIP ${vip} is ${reserved.get(vip)} of ${subnet}`, "use a free host address of the node subnet");
      } else {
        const owner = nodes.find((n) => n.node.ip === vip);
        if (owner)
          err(`${path}.network.vip`, `VIP ${vip} is the IP of ${owner.path}`, "use an address no node has: Talos moves the VIP between control planes");
      }
    }
  }
};
