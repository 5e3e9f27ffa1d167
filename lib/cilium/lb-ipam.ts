/**
 * Cilium LB-IPAM for a cluster: the address pool LoadBalancer services get,
 * and how the network learns where those addresses are (L2 announcements
 * or the BGP control plane), derived from `network.loadBalancer`. The
 * objects are Cilium custom resources, rendered by the local chart
 * `charts/cilium-lb-ipam` after Cilium runs (its operator registers the
 * CRDs); see stacks/cilium-stack.ts for the order.
 *
 * Kept free of the config (it imports the patterns from here): the settings
 * are typed below, and the config's `network.loadBalancer` is one.
 *
 * @see https://docs.cilium.io/en/stable/network/lb-ipam/
 * @see https://docs.cilium.io/en/stable/network/l2-announcements/
 * @see https://docs.cilium.io/en/stable/network/bgp-control-plane/bgp-control-plane-v2/
 */
import ipaddr from "ipaddr.js";

const OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = `${OCTET}(\\.${OCTET}){3}`;
/** A pool as the config writes it: `a.b.c.d/nn` or `a.b.c.d-e.f.g.h`. */
export const LB_POOL_PATTERN = new RegExp(`^${IPV4}(/(3[0-2]|[12]?\\d)|-${IPV4})$`);

/**
 * Kernel names of the VM's one virtio NIC, the link Talos aliases `net0`
 * (lib/talos/patches.ts, NIC_ALIAS). Talos writes the alias as the link's
 * IFLA_IFALIAS; Cilium's L2 announcer matches policy `interfaces` against
 * device names (pkg/l2announcer/l2announcer.go, `regex.MatchString(device)`),
 * so the policy names what the alias selects by its kernel name: predictable
 * names (`ens18`, `enp6s18`) or `eth0`, never Cilium's own devices
 * (`cilium_*`, `lxc*`).
 */
export const NIC_NAME_PATTERN = "^(en|eth)[a-z0-9]+$";

/** Addresses the first and last of a pool as written. */
export interface PoolRange {
  readonly first: string;
  readonly last: string;
  /** How many addresses it holds. */
  readonly size: number;
}

const toNumber = (ip: string) =>
  ipaddr.IPv4.parse(ip)
    .toByteArray()
    .reduce((n, b) => n * 256 + b, 0);
const fromNumber = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");

/** First, last and size of `pool` (a CIDR or a range); a range written backwards has size 0 or less. */
export function poolRange(pool: string): PoolRange {
  if (pool.includes("/")) {
    const first = ipaddr.IPv4.networkAddressFromCIDR(pool).toString();
    const last = ipaddr.IPv4.broadcastAddressFromCIDR(pool).toString();
    return { first, last, size: toNumber(last) - toNumber(first) + 1 };
  }
  const [first, last] = pool.split("-");
  return { first, last, size: toNumber(last) - toNumber(first) + 1 };
}

/** Whether `ip` is inside `pool`. */
export function inPool(pool: string, ip: string): boolean {
  const r = poolRange(pool);
  const n = toNumber(ip);
  return n >= toNumber(r.first) && n <= toNumber(r.last);
}

/** Whether two pools (or a pool and a CIDR) share an address. */
export function poolsOverlap(a: string, b: string): boolean {
  const x = poolRange(a);
  const y = poolRange(b);
  return toNumber(x.first) <= toNumber(y.last) && toNumber(y.first) <= toNumber(x.last);
}

/** Whether the whole pool lies inside `cidr`. */
export function poolInside(pool: string, cidr: string): boolean {
  const net = ipaddr.IPv4.parseCIDR(cidr);
  const r = poolRange(pool);
  return ipaddr.IPv4.parse(r.first).match(net) && ipaddr.IPv4.parse(r.last).match(net);
}

/** The `i`-th address of the pool (0-based). */
export function poolAddress(pool: string, i: number): string {
  return fromNumber(toNumber(poolRange(pool).first) + i);
}

/** A cluster's LB-IPAM settings (the config's `network.loadBalancer`, defaults filled in). */
export interface LbIpamSettings {
  /** Create the pool and its announcement; false keeps the settings but installs neither. */
  readonly enabled: boolean;
  /** The pool: a CIDR or a range (LB_POOL_PATTERN). */
  readonly pool: string;
  /** How the network finds a service IP: ARP on the node subnet, or BGP to the routers. */
  readonly announce: "l2" | "bgp";
  /** `l2`: regular expressions of the kernel interface names that answer ARP. */
  readonly interfaces: readonly string[];
  /** `bgp`: the nodes' AS and the routers they peer with. @default - none */
  readonly bgp?: { readonly localASN: number; readonly peers: readonly { readonly address: string; readonly asn: number }[] };
}

/** The cluster's LB-IPAM settings when they are on; undefined when absent or switched off. */
export function lbIpam(cluster: { readonly network: { readonly loadBalancer?: LbIpamSettings } }): LbIpamSettings | undefined {
  const lb = cluster.network.loadBalancer;
  return lb?.enabled ? lb : undefined;
}

/**
 * Addresses of a pool that aggrik8s itself assigns: the shared Gateway's,
 * and the clustermesh-apiserver's when it is a LoadBalancer. A pool must
 * hold these and at least one more, for an app.
 */
export function reservedPoolAddresses(cluster: { readonly clustermesh: { readonly serviceType: "NodePort" | "LoadBalancer" } }): number {
  return 1 + (cluster.clustermesh.serviceType === "LoadBalancer" ? 1 : 0);
}

/** The agent's client rate limit without L2 announcements (chart values.yaml, k8sClientRateLimit). */
export const DEFAULT_AGENT_QPS = 10;
/** The agent's default lease renew deadline, seconds (daemon/cmd/daemon_main.go, `l2-announcements-renew-deadline`). */
export const L2_LEASE_RENEW_DEADLINE_SECONDS = 5;

/**
 * The agent's Kubernetes client rate limit with L2 announcements on. Each
 * announced service is a lease its holder renews every renew deadline, so
 * Cilium's sizing rule is `QPS = #services / leaseRenewDeadline` on top of
 * what the agent needs anyway, with a burst somewhat higher. The worst case
 * is one node holding every lease (a single node, or services spread
 * unevenly), so the limit is sized for that and fits any node count: more
 * nodes spread the leases and lower each agent's rate. A pool cannot
 * announce more services than it has addresses.
 *
 * @see https://docs.cilium.io/en/stable/network/l2-announcements/#sizing-client-rate-limit
 */
export function l2ClientRateLimit(poolSize: number): { readonly qps: number; readonly burst: number } {
  const qps = DEFAULT_AGENT_QPS + Math.ceil(poolSize / L2_LEASE_RENEW_DEADLINE_SECONDS);
  return { qps, burst: 2 * qps };
}

/** The clustermesh-apiserver Service the local chart creates when it is a LoadBalancer. */
export interface ClusterMeshLoadBalancer {
  /** Its address, from the pool. */
  readonly ip: string;
}

/** Values of the local chart `charts/cilium-lb-ipam` (its values.yaml documents each). */
export interface LbIpamChartValues {
  readonly cluster: string;
  readonly pool: { readonly blocks: readonly { readonly start: string; readonly stop: string }[] };
  readonly l2: { readonly enabled: boolean; readonly interfaces: readonly string[] };
  readonly bgp: {
    readonly enabled: boolean;
    readonly localASN: number;
    readonly peers: readonly { readonly name: string; readonly address: string; readonly asn: number }[];
  };
  readonly clustermeshApiserver: { readonly enabled: boolean; readonly ip: string };
}

/** The chart values for one cluster whose LB-IPAM is on. */
export function lbIpamChartValues(clusterName: string, lb: LbIpamSettings, clustermesh?: ClusterMeshLoadBalancer): LbIpamChartValues {
  const r = poolRange(lb.pool);
  return {
    cluster: clusterName,
    pool: { blocks: [{ start: r.first, stop: r.last }] },
    l2: { enabled: lb.announce === "l2", interfaces: lb.announce === "l2" ? [...lb.interfaces] : [] },
    bgp: {
      enabled: lb.announce === "bgp",
      localASN: lb.bgp?.localASN ?? 0,
      peers: (lb.bgp?.peers ?? []).map((p) => ({ name: `peer-${p.address.replace(/\./g, "-")}`, address: p.address, asn: p.asn })),
    },
    clustermeshApiserver: { enabled: clustermesh !== undefined, ip: clustermesh?.ip ?? "" },
  };
}
