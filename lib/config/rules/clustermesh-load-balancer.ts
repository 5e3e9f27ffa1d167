/**
 * A clustermesh-apiserver of type LoadBalancer: only with the cluster's
 * LB-IPAM on (nothing else gives Proxmox a load balancer), at an address of
 * its pool that peers are configured with.
 */
import { inPool, lbIpam } from "../../cilium/lb-ipam";
import { MeshRule, clustersOf } from "./rule";

export const clustermeshLoadBalancer: MeshRule = (config, { err }) => {
  for (const { c, path } of clustersOf(config)) {
    const p = `${path}.clustermesh`;
    const ip = c.clustermesh.loadBalancerIP;
    if (c.clustermesh.serviceType !== "LoadBalancer") {
      if (ip !== undefined)
        err(`${p}.loadBalancerIP`, `loadBalancerIP ${ip} with serviceType NodePort is not used`, "remove it, or set serviceType: LoadBalancer");
      continue;
    }
    const lb = lbIpam(c);
    if (!lb) {
      err(
        `${p}.serviceType`,
        "serviceType LoadBalancer without LB-IPAM: on Proxmox nothing gives the Service an address, so it stays <pending> and no peer connects",
        "add network.loadBalancer (a pool, enabled), or use serviceType: NodePort",
      );
      continue;
    }
    if (ip === undefined) {
      err(
        `${p}.loadBalancerIP`,
        "serviceType LoadBalancer without loadBalancerIP: peers are configured with the address before it exists",
        `give an address of the pool ${lb.pool}`,
      );
    } else if (!inPool(lb.pool, ip)) {
      err(`${p}.loadBalancerIP`, `loadBalancerIP ${ip} is outside the pool ${lb.pool}`, `give an address of the pool ${lb.pool}`);
    }
  }
};
