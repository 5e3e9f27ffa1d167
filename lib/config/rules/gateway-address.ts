/**
 * The shared Gateway's address (`platform.gateway.address`), when the config
 * names one: LB-IPAM gives a Service only an address of the cluster's pool,
 * and each address to one Service, so it must lie inside that pool and must
 * not be the clustermesh-apiserver's `loadBalancerIP`. Otherwise the
 * Gateway's Service stays `<pending>` and no app behind it is reachable.
 */
import { inPool, lbIpam } from "../../cilium/lb-ipam";
import { isEnabled } from "../../platform/components";
import { MeshRule, clustersOf } from "./rule";

export const gatewayAddress: MeshRule = (config, { err }) => {
  for (const { c, path } of clustersOf(config)) {
    const address = c.platform.gateway.address;
    if (address === undefined || !isEnabled(c.platform, "gateway")) continue;
    const p = `${path}.platform.gateway.address`;
    const lb = lbIpam(c);
    if (!lb) {
      err(
        p,
        `address ${address} is set, but the cluster has no LoadBalancer pool: nothing gives the Gateway's Service an address, so it stays <pending>`,
        "add network.loadBalancer with a pool that holds it, or remove platform.gateway.address",
      );
      continue;
    }
    if (!inPool(lb.pool, address)) {
      err(
        p,
        `address ${address} is outside the LoadBalancer pool ${lb.pool}, so the Gateway's Service stays <pending>`,
        `give an address of the pool ${lb.pool}, or remove it for any free one`,
      );
      continue;
    }
    const meshIp = c.clustermesh.serviceType === "LoadBalancer" ? c.clustermesh.loadBalancerIP : undefined;
    if (meshIp === address) {
      err(
        p,
        `address ${address} is also clustermesh.loadBalancerIP ${meshIp}: LB-IPAM gives an address to one Service, so the Gateway's Service stays <pending>`,
        `give the Gateway another address of the pool ${lb.pool}, or remove it for any free one`,
      );
    }
  }
};
