/**
 * Typed Helm values of the Cilium chart, built from the cluster config. Only
 * the keys we set are typed; the tests check every key path against the real
 * chart's values.schema.json of the pinned version and validate the types.
 *
 * @see https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium
 * @see https://docs.cilium.io/en/stable/network/clustermesh/clustermesh/
 * @see https://docs.cilium.io/en/stable/security/network/encryption-wireguard/
 * @see https://docs.cilium.io/en/stable/network/servicemesh/gateway-api/gateway-api/
 */
import { KUBEPRISM_PORT } from "../talos/patches";
import { l2ClientRateLimit } from "./lb-ipam";

/** How peers reach one cluster's clustermesh-apiserver. */
export interface ClusterMeshPeer {
  /** Peer's cluster.name. */
  readonly name: string;
  /** Addresses that reach the peer's clustermesh-apiserver: every node of the peer (NodePort). */
  readonly ips: readonly string[];
  /** Port on those addresses. */
  readonly port: number;
}

export interface CiliumValuesProps {
  readonly clusterName: string;
  /** 1..255, unique in the mesh. */
  readonly clusterId: number;
  /** Hubble relay and UI. */
  readonly hubble: boolean;
  /**
   * Chart version: 1.19 still has the deprecated `tls-provided` templates,
   * switched off with `enableSecrets: false` (1.20 removed them).
   */
  readonly chartVersion: string;
  /** NodePort of this cluster's clustermesh-apiserver. */
  readonly apiserverNodePort: number;
  /**
   * How the clustermesh-apiserver is exposed: `NodePort` (the chart's Service)
   * or `LoadBalancer` (the chart leaves the Service out, externallyCreated, and
   * the LB-IPAM chart creates it once its pool exists).
   * @default "NodePort"
   */
  readonly apiserverServiceType?: "NodePort" | "LoadBalancer";
  /** Transparent encryption between nodes (mesh-wide). @default "none" */
  readonly encryption?: "none" | "wireguard";
  /** Cilium's Gateway API controller; its CRDs must be installed before Cilium starts. @default false */
  readonly gatewayApi?: boolean;
  /** LB-IPAM on: how addresses are announced and how many the pool holds (sizes the client rate limit). @default - off */
  readonly loadBalancer?: { readonly announce: "l2" | "bgp"; readonly poolSize: number };
  /**
   * clustermesh-apiserver replicas: 2 once the cluster has two nodes to run
   * them on (workers), so peers keep a connection through a node drain.
   */
  readonly apiserverReplicas: 1 | 2;
  /** Every other cluster of the mesh. */
  readonly peers: readonly ClusterMeshPeer[];
}

/** The Cilium values we set, by chart key. */
export interface CiliumValues {
  readonly cluster: { readonly name: string; readonly id: number };
  readonly ipam: { readonly mode: "kubernetes" };
  readonly kubeProxyReplacement: boolean;
  readonly k8sServiceHost: string;
  readonly k8sServicePort: number;
  readonly securityContext: { readonly capabilities: { readonly ciliumAgent: readonly string[]; readonly cleanCiliumState: readonly string[] } };
  readonly cgroup: { readonly autoMount: { readonly enabled: boolean }; readonly hostRoot: string };
  readonly hubble: {
    readonly enabled: boolean;
    readonly relay: { readonly enabled: boolean };
    readonly ui: { readonly enabled: boolean };
    readonly tls: {
      readonly auto: { readonly enabled: boolean; readonly method: "cronJob"; readonly certValidityDuration: number; readonly schedule: string };
    };
  };
  readonly encryption: { readonly enabled: boolean; readonly type?: "wireguard" };
  readonly gatewayAPI: { readonly enabled: boolean; readonly gatewayClass?: { readonly create: "true" } };
  readonly l2announcements: { readonly enabled: boolean };
  readonly bgpControlPlane: { readonly enabled: boolean };
  readonly k8sClientRateLimit?: { readonly qps: number; readonly burst: number };
  readonly clustermesh: {
    readonly useAPIServer: boolean;
    readonly maxConnectedClusters: number;
    readonly config: {
      readonly enabled: boolean;
      readonly clusters: readonly { readonly name: string; readonly ips: readonly string[]; readonly port: number }[];
    };
    readonly apiserver: {
      readonly replicas: number;
      readonly service: { readonly type: "NodePort"; readonly nodePort: number } | { readonly type: "LoadBalancer"; readonly externallyCreated: true };
      readonly tls: {
        readonly authMode: "cluster";
        readonly auto: { readonly enabled: false };
        readonly enableSecrets?: false;
      };
    };
  };
}

/**
 * The chart's own lists less SYS_MODULE, which Talos forbids even for
 * privileged pods (a test compares them with the chart's values.yaml of every
 * supported Cilium version). SYSLOG came with 1.19.
 */
const AGENT_CAPABILITIES = [
  "CHOWN",
  "KILL",
  "NET_ADMIN",
  "NET_RAW",
  "IPC_LOCK",
  "SYS_ADMIN",
  "SYS_RESOURCE",
  "DAC_OVERRIDE",
  "FOWNER",
  "SETGID",
  "SETUID",
  "SYSLOG",
];
const CLEAN_STATE_CAPABILITIES = ["NET_ADMIN", "SYS_ADMIN", "SYS_RESOURCE"];

/** Hubble's certificates: valid a year, re-issued every four months (the chart's schedule for clustermesh too). */
export const HUBBLE_CERT_VALIDITY_DAYS = 365;
export const HUBBLE_CERT_SCHEDULE = "0 0 1 */4 *";

/** Same in every cluster: Cilium refuses peers with a different value. */
export const MAX_CONNECTED_CLUSTERS = 255;

/** Whether a chart version still has the deprecated `tls-provided` templates (before 1.20), which need turning off. */
function providedTlsTemplates(chartVersion: string): boolean {
  const [major, minor] = chartVersion.split(".").map(Number);
  return major === 1 && minor < 20;
}

export function ciliumValues(props: CiliumValuesProps): CiliumValues {
  return {
    cluster: { name: props.clusterName, id: props.clusterId },
    ipam: { mode: "kubernetes" },
    kubeProxyReplacement: true,
    // KubePrism: Talos' in-node API load balancer, reachable before any CNI.
    k8sServiceHost: "localhost",
    k8sServicePort: KUBEPRISM_PORT,
    securityContext: { capabilities: { ciliumAgent: AGENT_CAPABILITIES, cleanCiliumState: CLEAN_STATE_CAPABILITIES } },
    cgroup: { autoMount: { enabled: false }, hostRoot: "/sys/fs/cgroup" },
    hubble: {
      enabled: true,
      relay: { enabled: props.hubble },
      ui: { enabled: props.hubble },
      // The chart's default (helm) signs Hubble's certificates once, reused
      // through lookup and never renewed; cronJob re-issues them on a schedule,
      // well inside their validity. It signs them with `cilium-ca`, which
      // certgen generates in the cluster on first run (certgen.generateCA, the
      // chart's default: templates/hubble/tls-cronjob/_job-spec.tpl passes
      // --ca-generate --ca-reuse-secret): a CA of this cluster only, never in
      // state, and not the mesh CA, whose key stays in mesh-ca.
      tls: { auto: { enabled: true, method: "cronJob", certValidityDuration: HUBBLE_CERT_VALIDITY_DAYS, schedule: HUBBLE_CERT_SCHEDULE } },
    },
    encryption: props.encryption === "wireguard" ? { enabled: true, type: "wireguard" } : { enabled: false },
    // The GatewayClass `cilium` always: the chart's default (auto) creates it
    // only when Helm already sees the Gateway API, which our order guarantees
    // but a dry run (or a template render) cannot show.
    gatewayAPI: props.gatewayApi ? { enabled: true, gatewayClass: { create: "true" } } : { enabled: false },
    l2announcements: { enabled: props.loadBalancer?.announce === "l2" },
    bgpControlPlane: { enabled: props.loadBalancer?.announce === "bgp" },
    // L2 announcements hold a lease per Service (lb-ipam.ts).
    ...(props.loadBalancer?.announce === "l2" ? { k8sClientRateLimit: l2ClientRateLimit(props.loadBalancer.poolSize) } : {}),
    clustermesh: {
      useAPIServer: true,
      maxConnectedClusters: MAX_CONNECTED_CLUSTERS,
      config: {
        enabled: true,
        // Sorted so adding a cluster changes only its own entry in every peer's diff.
        clusters: [...props.peers].sort((a, b) => a.name.localeCompare(b.name)).map((p) => ({ name: p.name, ips: [...p.ips], port: p.port })),
      },
      apiserver: {
        replicas: props.apiserverReplicas,
        service:
          props.apiserverServiceType === "LoadBalancer"
            ? { type: "LoadBalancer", externallyCreated: true }
            : { type: "NodePort", nodePort: props.apiserverNodePort },
        // Provided TLS: the mesh-ca stack signs this cluster's server, admin,
        // remote and local certificates and the Cilium stack stores them as the
        // secrets the chart mounts (lib/cilium/clustermesh-tls.ts), so no CA key
        // reaches the cluster; the chart's generators (helm, cronJob) would need it.
        tls: {
          // One etcd user per peer cluster (remote-<name>), possible because every
          // cluster's certificates come from the one mesh CA; the chart's default, migration, also keeps the shared user.
          authMode: "cluster",
          auto: { enabled: false },
          ...(providedTlsTemplates(props.chartVersion) ? { enableSecrets: false as const } : {}),
        },
      },
    },
  };
}
