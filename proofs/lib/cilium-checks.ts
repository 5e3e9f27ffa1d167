/**
 * What the chart proof asks of the Cilium stack's renderings beyond the
 * chart's own schema: the agent config Cilium reads (the `cilium-config`
 * ConfigMap) carries every setting aggrik8s gives in its values, and each
 * LB-IPAM pool is one Cilium's operator can use and the one the config
 * names. Pure functions over rendered documents, so each can be shown to
 * fail (the proof's canaries, and __tests__/proofs/cilium-checks.test.ts).
 */
import ipaddr from "ipaddr.js";

/** A rendered Kubernetes object, as the proof parses `helm template` output. */
export interface RenderedObject {
  readonly kind?: string;
  readonly metadata?: { readonly name?: string };
  readonly data?: Readonly<Record<string, string>>;
  readonly spec?: {
    readonly blocks?: readonly { readonly cidr?: string; readonly start?: string; readonly stop?: string }[];
    readonly template?: {
      readonly spec?: { readonly containers?: readonly { readonly name: string; readonly env?: readonly { name: string; value?: string }[] }[] };
    };
  };
}

/** The part of the Cilium values (lib/cilium/values.ts, CiliumValues) these checks read. */
export interface CiliumValuesSeen {
  readonly cluster: { readonly name: string; readonly id: number };
  readonly ipam: { readonly mode: string };
  readonly kubeProxyReplacement: boolean;
  readonly k8sServiceHost: string;
  readonly k8sServicePort: number;
  readonly cgroup: { readonly hostRoot: string };
  readonly hubble: { readonly enabled: boolean; readonly tls: { readonly auto: { readonly enabled: boolean } } };
  readonly encryption: { readonly enabled: boolean; readonly type?: string };
  readonly gatewayAPI: { readonly enabled: boolean };
  readonly l2announcements: { readonly enabled: boolean };
  readonly bgpControlPlane: { readonly enabled: boolean };
  readonly k8sClientRateLimit?: { readonly qps: number; readonly burst: number };
  readonly clustermesh: { readonly maxConnectedClusters: number };
}

/** A key of cilium-config and what it must hold: a value, or (a switch that is off) anything but "true". */
type Expected =
  { readonly key: string; readonly value: string } | { readonly key: string; readonly notTrue: true } | { readonly key: string; readonly nonEmpty: true };

/**
 * The cilium-config entries our values must produce (names as the Cilium
 * 1.19 chart writes them, templates/cilium-configmap.yaml).
 */
export function expectedCiliumConfig(v: CiliumValuesSeen): Expected[] {
  const on = (key: string, yes: boolean): Expected => (yes ? { key, value: "true" } : { key, notTrue: true });
  const tls = v.hubble.enabled && v.hubble.tls.auto.enabled;
  return [
    { key: "cluster-name", value: v.cluster.name },
    { key: "cluster-id", value: String(v.cluster.id) },
    { key: "ipam", value: v.ipam.mode },
    { key: "kube-proxy-replacement", value: String(v.kubeProxyReplacement) },
    { key: "cgroup-root", value: v.cgroup.hostRoot },
    { key: "max-connected-clusters", value: String(v.clustermesh.maxConnectedClusters) },
    on("enable-hubble", v.hubble.enabled),
    ...(tls
      ? ([
          { key: "hubble-disable-tls", value: "false" },
          { key: "hubble-tls-cert-file", nonEmpty: true },
          { key: "hubble-tls-key-file", nonEmpty: true },
          { key: "hubble-tls-client-ca-files", nonEmpty: true },
        ] as Expected[])
      : []),
    on("enable-gateway-api", v.gatewayAPI.enabled),
    on("enable-l2-announcements", v.l2announcements.enabled),
    on("enable-bgp-control-plane", v.bgpControlPlane.enabled),
    on("enable-wireguard", v.encryption.enabled && v.encryption.type === "wireguard"),
    ...(v.k8sClientRateLimit
      ? [
          { key: "k8s-client-qps", value: String(v.k8sClientRateLimit.qps) },
          { key: "k8s-client-burst", value: String(v.k8sClientRateLimit.burst) },
        ]
      : []),
  ];
}

/** Where the rendered cilium-config (and the agent's API server address) differs from what the values set. */
export function ciliumConfigProblems(docs: readonly RenderedObject[], values: CiliumValuesSeen): string[] {
  const cm = docs.find((d) => d.kind === "ConfigMap" && d.metadata?.name === "cilium-config");
  if (!cm?.data) return ["no cilium-config ConfigMap rendered"];
  const data = cm.data;
  const problems: string[] = [];
  for (const e of expectedCiliumConfig(values)) {
    const got = data[e.key];
    if ("value" in e && got !== e.value) problems.push(`cilium-config ${e.key} is ${JSON.stringify(got)}, the values set ${JSON.stringify(e.value)}`);
    if ("notTrue" in e && got === "true") problems.push(`cilium-config ${e.key} is "true", but the values leave it off`);
    if ("nonEmpty" in e && !got) problems.push(`cilium-config ${e.key} is ${JSON.stringify(got)}, but Hubble TLS is on`);
  }
  // KubePrism: the agent reaches the API server through Talos' local load balancer (env, not cilium-config).
  const ds = docs.find((d) => d.kind === "DaemonSet" && d.metadata?.name === "cilium");
  const agent = ds?.spec?.template?.spec?.containers?.find((c) => c.name === "cilium-agent");
  const env = Object.fromEntries((agent?.env ?? []).map((e) => [e.name, e.value]));
  if (env.KUBERNETES_SERVICE_HOST !== values.k8sServiceHost || env.KUBERNETES_SERVICE_PORT !== String(values.k8sServicePort))
    problems.push(
      `agent reaches the API server at ${env.KUBERNETES_SERVICE_HOST}:${env.KUBERNETES_SERVICE_PORT}, the values set ${values.k8sServiceHost}:${values.k8sServicePort}`,
    );
  return problems;
}

/** What a cluster's config says of its pool: the range, and the addresses it must not hold. */
export interface PoolExpectation {
  /** First and last address of `network.loadBalancer.pool`. */
  readonly first: string;
  readonly last: string;
  /** Addresses in use (node IPs, the VIP, the gateway), each with what it is. */
  readonly taken: Readonly<Record<string, string>>;
}

const toNumber = (ip: string) =>
  ipaddr.IPv4.parse(ip)
    .toByteArray()
    .reduce((n, b) => n * 256 + b, 0);

const fromNumber = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");

/** One block's range as Cilium's operator reads it (operator/pkg/lbipam/lbipam.go, ipRangeFromBlock), or a problem. */
function blockRange(block: { cidr?: string; start?: string; stop?: string }): { from: number; to: number } | string {
  if (block.cidr) {
    if (!ipaddr.IPv4.isValidCIDR(block.cidr)) return `cidr ${JSON.stringify(block.cidr)} does not parse`;
    return {
      from: toNumber(ipaddr.IPv4.networkAddressFromCIDR(block.cidr).toString()),
      to: toNumber(ipaddr.IPv4.broadcastAddressFromCIDR(block.cidr).toString()),
    };
  }
  if (!block.start || !ipaddr.IPv4.isValidFourPartDecimal(block.start)) return `start ${JSON.stringify(block.start)} does not parse`;
  const stop = block.stop || block.start;
  if (!ipaddr.IPv4.isValidFourPartDecimal(stop)) return `stop ${JSON.stringify(block.stop)} does not parse`;
  return { from: toNumber(block.start), to: toNumber(stop) };
}

/**
 * Every CiliumLoadBalancerIPPool rendered: its blocks parse as Cilium reads
 * them, none ends before it starts (Cilium would hand out nothing), together
 * they are exactly the config's pool, and none holds an address in use.
 */
export function lbPoolProblems(docs: readonly RenderedObject[], want: PoolExpectation): string[] {
  const pools = docs.filter((d) => d.kind === "CiliumLoadBalancerIPPool");
  if (pools.length === 0) return ["no CiliumLoadBalancerIPPool rendered"];
  const problems: string[] = [];
  const ranges: { from: number; to: number }[] = [];
  for (const pool of pools) {
    for (const block of pool.spec?.blocks ?? []) {
      const r = blockRange(block);
      if (typeof r === "string") problems.push(`pool ${pool.metadata?.name}: ${r}`);
      else if (r.to < r.from) problems.push(`pool ${pool.metadata?.name}: block ${JSON.stringify(block)} ends before it starts`);
      else ranges.push(r);
    }
  }
  if (ranges.length === 0 && problems.length === 0) problems.push("the pools have no block");
  const from = Math.min(...ranges.map((r) => r.from));
  const to = Math.max(...ranges.map((r) => r.to));
  const size = ranges.reduce((n, r) => n + r.to - r.from + 1, 0);
  if (ranges.length && (from !== toNumber(want.first) || to !== toNumber(want.last) || size !== to - from + 1))
    problems.push(`the pools hold ${ranges.map((r) => `${fromNumber(r.from)}-${fromNumber(r.to)}`).join(", ")}, not the config's ${want.first}-${want.last}`);
  for (const [ip, what] of Object.entries(want.taken))
    if (ranges.some((r) => toNumber(ip) >= r.from && toNumber(ip) <= r.to)) problems.push(`a pool holds ${ip}, which is ${what}`);
  return problems;
}
