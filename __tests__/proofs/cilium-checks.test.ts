// The chart proof's Cilium checks on their own: what they accept and what
// they refuse (the proof renders the real charts; its canaries run these too).
import { ciliumValues } from "../../lib/cilium/values";
import { ciliumConfigProblems, expectedCiliumConfig, lbPoolProblems } from "../../proofs/lib/cilium-checks";

const values = ciliumValues({
  clusterName: "talos-east",
  clusterId: 1,
  hubble: true,
  chartVersion: "1.19.6",
  apiserverNodePort: 32379,
  apiserverReplicas: 2,
  encryption: "wireguard",
  gatewayApi: true,
  loadBalancer: { announce: "l2", poolSize: 20 },
  peers: [],
});

/** cilium-config and the agent as the chart renders them for `values`. */
function rendered(edit: (data: Record<string, string>) => void = () => {}) {
  const data: Record<string, string> = {};
  for (const e of expectedCiliumConfig(values)) data[e.key] = "value" in e ? e.value : "nonEmpty" in e ? "/var/lib/cilium/tls/hubble/x" : "false";
  edit(data);
  return [
    { kind: "ConfigMap", metadata: { name: "cilium-config" }, data },
    {
      kind: "DaemonSet",
      metadata: { name: "cilium" },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: "cilium-agent",
                env: [
                  { name: "KUBERNETES_SERVICE_HOST", value: "localhost" },
                  { name: "KUBERNETES_SERVICE_PORT", value: "7445" },
                ],
              },
            ],
          },
        },
      },
    },
  ];
}

describe("cilium-config check", () => {
  it("expects every setting of the values, WireGuard, Gateway API, L2 and Hubble TLS among them", () => {
    expect(Object.fromEntries(expectedCiliumConfig(values).map((e) => [e.key, "value" in e ? e.value : "notTrue" in e ? "not true" : "set"]))).toEqual({
      "cluster-name": "talos-east",
      "cluster-id": "1",
      ipam: "kubernetes",
      "kube-proxy-replacement": "true",
      "cgroup-root": "/sys/fs/cgroup",
      "max-connected-clusters": "255",
      "enable-hubble": "true",
      "hubble-disable-tls": "false",
      "hubble-tls-cert-file": "set",
      "hubble-tls-key-file": "set",
      "hubble-tls-client-ca-files": "set",
      "enable-gateway-api": "true",
      "enable-l2-announcements": "true",
      "enable-bgp-control-plane": "not true",
      "enable-wireguard": "true",
      "k8s-client-qps": "14",
      "k8s-client-burst": "28",
    });
    expect(ciliumConfigProblems(rendered(), values)).toEqual([]);
  });

  it("names each key that differs, and a switch on that the values leave off", () => {
    const off = ciliumValues({
      clusterName: "talos-east",
      clusterId: 1,
      hubble: true,
      chartVersion: "1.19.6",
      apiserverNodePort: 1,
      apiserverReplicas: 1,
      peers: [],
    });
    const docs = rendered((d) => {
      delete d["enable-wireguard"];
      d["cluster-id"] = "2";
      d["hubble-disable-tls"] = "true";
    });
    expect(ciliumConfigProblems(docs, values)).toEqual([
      'cilium-config cluster-id is "2", the values set "1"',
      'cilium-config hubble-disable-tls is "true", the values set "false"',
      'cilium-config enable-wireguard is undefined, the values set "true"',
    ]);
    expect(ciliumConfigProblems(rendered(), off)).toEqual(
      expect.arrayContaining([
        'cilium-config enable-wireguard is "true", but the values leave it off',
        'cilium-config enable-gateway-api is "true", but the values leave it off',
      ]),
    );
    expect(ciliumConfigProblems([], values)).toEqual(["no cilium-config ConfigMap rendered"]);
  });
});

describe("LB-IPAM pool check", () => {
  const want = { first: "10.10.0.200", last: "10.10.0.219", taken: { "10.10.0.10": "the VIP", "10.10.0.1": "the gateway" } };
  const pool = (...blocks: object[]) => [{ kind: "CiliumLoadBalancerIPPool", metadata: { name: "talos-east" }, spec: { blocks } }];

  it("accepts the config's pool, as a range or as a CIDR", () => {
    expect(lbPoolProblems(pool({ start: "10.10.0.200", stop: "10.10.0.219" }), want)).toEqual([]);
    expect(lbPoolProblems(pool({ cidr: "10.10.0.224/28" }), { first: "10.10.0.224", last: "10.10.0.239", taken: {} })).toEqual([]);
  });

  it("refuses a pool Cilium cannot use, another range than the config's, and one holding an address in use", () => {
    expect(lbPoolProblems(pool({ start: "10.10.0.219", stop: "10.10.0.200" }), want)).toEqual([
      'pool talos-east: block {"start":"10.10.0.219","stop":"10.10.0.200"} ends before it starts',
    ]);
    expect(lbPoolProblems(pool({ start: "10.10.0.300", stop: "10.10.0.319" }), want)).toEqual(['pool talos-east: start "10.10.0.300" does not parse']);
    expect(lbPoolProblems(pool({ start: "10.10.0.1", stop: "10.10.0.219" }), want)).toEqual([
      "the pools hold 10.10.0.1-10.10.0.219, not the config's 10.10.0.200-10.10.0.219",
      "a pool holds 10.10.0.10, which is the VIP",
      "a pool holds 10.10.0.1, which is the gateway",
    ]);
    expect(lbPoolProblems([], want)).toEqual(["no CiliumLoadBalancerIPPool rendered"]);
  });
});
