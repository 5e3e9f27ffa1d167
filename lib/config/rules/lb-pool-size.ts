/**
 * A LoadBalancer pool written forwards and big enough: it must hold the
 * addresses aggrik8s assigns from it (the shared Gateway's, and the
 * clustermesh-apiserver's when that is a LoadBalancer) and one more for an app.
 */
import { lbIpam, poolRange, reservedPoolAddresses } from "../../cilium/lb-ipam";
import { MeshRule, clustersOf } from "./rule";

export const lbPoolSize: MeshRule = (config, { err }) => {
  for (const { c, path } of clustersOf(config)) {
    const lb = lbIpam(c);
    if (!lb) continue;
    const p = `${path}.network.loadBalancer.pool`;
    const r = poolRange(lb.pool);
    if (r.size < 1) {
      err(p, `pool ${lb.pool} ends before it starts`, `write the lower address first: ${r.last}-${r.first}`);
      continue;
    }
    const reserved = reservedPoolAddresses(c);
    const needed = reserved + 1;
    if (r.size < needed) {
      const taken = c.clustermesh.serviceType === "LoadBalancer" ? "the shared Gateway and the clustermesh-apiserver take 2" : "the shared Gateway takes 1";
      err(
        p,
        `pool ${lb.pool} holds ${r.size} address${r.size === 1 ? "" : "es"}, fewer than the ${needed} it needs (${taken}, and apps need at least 1)`,
        `give the pool at least ${needed} addresses, e.g. ${r.first}-${poolEnd(r.first, needed)}`,
      );
    }
  }
};

function poolEnd(first: string, size: number): string {
  const parts = first.split(".").map(Number);
  const n = parts.reduce((a, b) => a * 256 + b, 0) + size - 1;
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}
