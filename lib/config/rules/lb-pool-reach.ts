/**
 * A LoadBalancer pool the network can reach: with `announce: l2` a node
 * answers ARP for an address, which only works inside the node subnet; with
 * `bgp` the routers learn the pool from the nodes, which needs the BGP
 * settings and routers the nodes reach directly (on the node subnet).
 */
import ipaddr from "ipaddr.js";
import { lbIpam, poolInside } from "../../cilium/lb-ipam";
import { MeshRule, clustersOf } from "./rule";

export const lbPoolReach: MeshRule = (config, { err, warn }) => {
  for (const { c, path } of clustersOf(config)) {
    const lb = lbIpam(c);
    const p = `${path}.network.loadBalancer`;
    if (!lb) {
      if (c.network.loadBalancer === undefined && c.platform.gatewayApi.enabled)
        warn(
          `${path}.network`,
          "no loadBalancer pool: LoadBalancer services, the shared Gateway's among them, stay <pending>",
          "add network.loadBalancer.pool, a free range of the node subnet such as 10.10.0.200-10.10.0.219",
        );
      continue;
    }
    const subnet = c.network.nodeSubnet;
    if (lb.announce === "l2" && !poolInside(lb.pool, subnet)) {
      err(
        `${p}.pool`,
        `pool ${lb.pool} is outside nodeSubnet ${subnet}: L2 announcements answer ARP on the node subnet only, so nothing reaches those addresses`,
        `use free addresses inside ${subnet}, or announce: bgp with a router that routes the pool to the nodes`,
      );
    }
    if (lb.announce === "bgp") {
      if (lb.bgp === undefined) {
        err(
          `${p}.bgp`,
          "announce: bgp without bgp settings: no router would learn the pool",
          "add bgp.localASN and bgp.peers (the routers' addresses and AS numbers)",
        );
        continue;
      }
      const net = ipaddr.IPv4.parseCIDR(subnet);
      lb.bgp.peers.forEach((peer, i) => {
        if (!ipaddr.IPv4.parse(peer.address).match(net))
          err(
            `${p}.bgp.peers[${i}].address`,
            `BGP peer ${peer.address} is outside nodeSubnet ${subnet}: the nodes peer over their one NIC, single hop`,
            `use the router's address on ${subnet} (often the gateway, ${c.network.gateway})`,
          );
      });
    } else if (lb.bgp !== undefined) {
      warn(`${p}.bgp`, "bgp settings with announce: l2 are not used", "remove bgp, or set announce: bgp");
    }
  }
};
