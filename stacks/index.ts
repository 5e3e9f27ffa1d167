/**
 * The binding layer and the composition root: the one module under stacks/
 * that reads `lib/config`. It maps the loaded config to each stack's flat,
 * typed props, one function per stack kind, and builds and wires the stacks
 * of a mesh from them; the stacks and the constructs below never see the
 * config (checks/layout.test.ts).
 *
 * Bindings. Every derivation from the config lives here once, under a
 * name: the API endpoint, the ClusterMesh peers, the PKI-destroy flag, the
 * health gates, the nodes, the clustermesh-apiserver replicas. One function
 * per stack kind (`vmsProps`, `talosProps`, ...) returns that stack's props
 * as far as the config decides them (`ConfigProps`), as a pure function of
 * the config. Two kinds of props are left to `buildMesh`:
 * - what every stack shares: the state backend and the Doppler settings
 *   (`Aggrik8sStackProps`, `doppler`), made once per mesh;
 * - cross-stack values: another stack's outputs (the Talos stack's
 *   credentials and talosconfig, the mesh CA's certificates), named per
 *   binding in its return type.
 *
 * Composition (`buildMesh`). Per cluster the chain is
 *   vms -> talos -> cilium (+ mesh-ca) -> platform, and talos -> credentials;
 * then mesh-credentials over every cluster. Cross-stack references order most
 * of it; every ordering they do not imply (VMs before Talos, Cilium before
 * the day-2 releases) is an explicit stack dependency, because cdktf deploys
 * independent stacks concurrently. Stack names: naming.ts. `buildMesh`
 * spreads each stack's binding and adds the shared settings, the cross-stack
 * values and the dependencies; it derives nothing.
 */
import { App } from "cdktf";
import { lbIpam, lbIpamChartValues, poolRange } from "../lib/cilium/lb-ipam";
import { CLUSTERMESH_APISERVER_PORT } from "../lib/cilium/mesh";
import { CiliumStackSwitches } from "../lib/cilium/releases";
import { ClusterMeshPeer } from "../lib/cilium/values";
import { ClusterConfig, MeshConfig } from "../lib/config/schema";
import { DopplerSettings } from "../lib/doppler/access";
import { ChartSource, REGISTRY_CHARTS } from "../lib/helm/chart-source";
import { isEnabled } from "../lib/platform/components";
import { proxmoxCsiTopology } from "../lib/platform/proxmox-csi";
import { DEFAULT_CONNECTION, ProxmoxApis, clusterConnections, proxmoxConnection } from "../lib/proxmox/connections";
import { ETCD_BACKUP_NAMESPACE, ETCD_BACKUP_ROLE } from "../lib/platform/etcd-backup";
import { ClusterNode, apiServerUrl } from "../lib/talos/cluster";
import { nodePatchDocuments } from "../lib/talos/patches";
import { Aggrik8sStackProps } from "./base";
import { CiliumStack, CiliumStackProps } from "./cilium-stack";
import { CredentialsStack, CredentialsStackProps, MeshCredentialsStack, MeshCredentialsStackProps } from "./credentials-stack";
import { MeshCaStack, MeshCaStackProps } from "./mesh-ca-stack";
import { PlatformStack, PlatformStackProps } from "./platform-stack";
import { TalosStack, TalosStackProps } from "./talos-stack";
import { VmPool, VmsStack, VmsStackProps } from "./vms-stack";
import { ClusterStackKind, MESH_CA_STACK, MESH_CREDENTIALS_STACK, clusterStackName } from "./naming";

/**
 * A stack's props as the config decides them: all but what the composition
 * root adds to every stack (state, Doppler) and `CrossStack`, the props that
 * are other stacks' outputs.
 */
export type ConfigProps<P, CrossStack extends keyof P = never> = Omit<P, keyof Aggrik8sStackProps | "doppler" | CrossStack>;

/** The Kubernetes API URL of a cluster: the VIP, or the first control plane without one. */
export function clusterEndpoint(cluster: ClusterConfig): string {
  return apiServerUrl(
    cluster.network.vip,
    cluster.controlPlane.nodes.map((n) => n.ip),
  );
}

/**
 * Whether the cluster's Talos machine secrets may be destroyed (its own
 * `allowPkiDestroy`, else the mesh's): off, they carry `prevent_destroy`, and
 * `npm run destroy -- --cluster` refuses to start.
 */
export function pkiDestroyAllowed(config: Pick<MeshConfig, "allowPkiDestroy">, cluster: Pick<ClusterConfig, "allowPkiDestroy">): boolean {
  return cluster.allowPkiDestroy ?? config.allowPkiDestroy;
}

/**
 * Whether the cluster's health gates are synthesized (its own `healthGates`,
 * else the mesh's): the Talos and Cilium stacks of a cluster under repair
 * must both skip them, so both read this.
 */
export function healthGatesOn(config: Pick<MeshConfig, "healthGates">, cluster: Pick<ClusterConfig, "healthGates">): boolean {
  return cluster.healthGates ?? config.healthGates;
}

/**
 * clustermesh-apiserver replicas: two once the cluster has two workers to
 * spread them over, so peers keep a connection through a node drain; one
 * otherwise (a second replica on the same node buys nothing).
 */
export function clustermeshApiserverReplicas(cluster: Pick<ClusterConfig, "workers">): 1 | 2 {
  return cluster.workers.nodes.length >= 2 ? 2 : 1;
}

/** Every node the config lists for the cluster, leaving or not, control planes first. */
function everyNode(cluster: Pick<ClusterConfig, "controlPlane" | "workers">) {
  return [...cluster.controlPlane.nodes, ...cluster.workers.nodes];
}

/** How peers reach `cluster`'s clustermesh-apiserver. */
export function peerEndpoint(cluster: ClusterConfig): ClusterMeshPeer {
  // A LoadBalancer address from the cluster's pool (the config rule requires one).
  if (cluster.clustermesh.serviceType === "LoadBalancer" && cluster.clustermesh.loadBalancerIP !== undefined)
    return { name: cluster.name, ips: [cluster.clustermesh.loadBalancerIP], port: CLUSTERMESH_APISERVER_PORT };
  // A NodePort answers on every node; listing all of them survives any one node being down.
  const ips = everyNode(cluster)
    .filter((n) => !n.leaving)
    .map((n) => n.ip);
  return { name: cluster.name, ips, port: cluster.clustermesh.nodePort };
}

/** Every cluster of the mesh but `clusterName`: the peers its Cilium connects to. */
export function meshPeers(config: Pick<MeshConfig, "clusters">, clusterName: string): ClusterMeshPeer[] {
  return config.clusters.filter((c) => c.name !== clusterName).map(peerEndpoint);
}

/** A cluster's LB-IPAM chart values and pool size, when its LB-IPAM is on. */
export function lbIpamOf(cluster: ClusterConfig) {
  const lb = lbIpam(cluster);
  if (!lb) return undefined;
  const apiserverIp = cluster.clustermesh.serviceType === "LoadBalancer" ? cluster.clustermesh.loadBalancerIP : undefined;
  return {
    values: lbIpamChartValues(cluster.name, lb, apiserverIp ? { ip: apiserverIp } : undefined),
    poolSize: poolRange(lb.pool).size,
  };
}

/** A cluster's VMs stack props, less what every stack shares: each node with its pool's defaults resolved. */
export function vmsProps(config: MeshConfig, cluster: ClusterConfig): ConfigProps<VmsStackProps> {
  const pool = (p: ClusterConfig["controlPlane"] | ClusterConfig["workers"], extraDisksGiB: readonly number[]): VmPool => ({
    cpuType: p.cpuType,
    datastore: p.datastore,
    diskSizeGiB: p.diskSizeGiB,
    extraDisksGiB,
    nodes: p.nodes.map((n) => ({
      name: n.name,
      vmId: n.vmId,
      proxmoxNode: n.proxmoxNode,
      ip: n.ip,
      cores: n.cores ?? p.cores,
      memoryGiB: n.memoryGiB ?? p.memoryGiB,
    })),
  });
  return {
    clusterName: cluster.name,
    proxmox: config.proxmox,
    isoTransfer: config.proxmox.isoTransfer,
    talosVersion: config.versions.talos,
    imageFactoryUrl: cluster.talos.imageFactoryUrl,
    extensions: cluster.talos.extensions,
    network: {
      bridge: cluster.network.bridge,
      vlanId: cluster.network.vlanId,
      nodeSubnet: cluster.network.nodeSubnet,
      gateway: cluster.network.gateway,
      dnsServers: cluster.network.dnsServers,
    },
    controlPlanes: pool(cluster.controlPlane, []),
    // Workers get an extra empty disk for a Ceph OSD when Rook is on.
    workers: pool(cluster.workers, cluster.platform.rookCeph.enabled ? [cluster.workers.cephDiskSizeGiB] : []),
  };
}

/** Where every release's chart comes from. */
export function chartSourceOf(charts: MeshConfig["charts"]): ChartSource {
  switch (charts.source) {
    case "oci":
      return { kind: "oci", registry: charts.registry };
    case "dir":
      return { kind: "dir", dir: charts.dir };
    default:
      return REGISTRY_CHARTS;
  }
}

/** Doppler's settings, when the config turns it on. */
export function dopplerOf(config: MeshConfig): DopplerSettings | undefined {
  return config.doppler.enabled ? { project: config.doppler.project, config: config.doppler.config, tokenEnv: config.doppler.token.env } : undefined;
}

/** Nodes of a cluster that are leaving (`leaving: true`): out of the Talos layer, their VMs kept until removed from the config. */
export function leavingNodes(cluster: ClusterConfig): string[] {
  return everyNode(cluster)
    .filter((n) => n.leaving)
    .map((n) => n.name);
}

/** Every node the config lists for the cluster, leaving or not, control planes first (the deploy's node-removal check). */
export function listedNodeNames(cluster: ClusterConfig): string[] {
  return everyNode(cluster).map((n) => n.name);
}

/** Every node of the cluster that is not leaving, control planes first; `proxmox` tells which API serves each (its CSI region). */
export function clusterNodes(cluster: ClusterConfig, proxmox: ProxmoxApis): ClusterNode[] {
  const n = cluster.network;
  // A leaving node is out of the Talos layer (reset, then its VM goes in a second deploy).
  const staying = <N extends { leaving: boolean }>(nodes: readonly N[]) => nodes.filter((x) => !x.leaving);
  const cpIps = staying(cluster.controlPlane.nodes).map((x) => x.ip);
  const common = {
    installDisk: cluster.talos.installDisk,
    nodeSubnet: n.nodeSubnet,
    podSubnet: n.podSubnet,
    serviceSubnet: n.serviceSubnet,
    vip: n.vip,
    apiServerSans: [...new Set([...(n.vip ? [n.vip] : []), ...cpIps])],
    scheduleOnControlPlanes: cluster.workers.nodes.length === 0,
    // The etcd backup CronJob takes its snapshots through the Talos API (lib/platform/etcd-backup.ts).
    talosApiAccess: isEnabled(cluster.platform, "etcdBackup") ? { roles: [ETCD_BACKUP_ROLE], namespaces: [ETCD_BACKUP_NAMESPACE] } : undefined,
  };
  // The Proxmox CSI plugin places volumes by region (the Proxmox API serving the node) and zone (the Proxmox node).
  const csiTopology = isEnabled(cluster.platform, "proxmoxCsi")
    ? (proxmoxNode: string) => proxmoxCsiTopology(cluster.platform.proxmoxCsi, proxmoxConnection(proxmox, proxmoxNode)?.key ?? DEFAULT_CONNECTION, proxmoxNode)
    : undefined;
  return [
    ...staying(cluster.controlPlane.nodes).map((node) => ({ node, role: "controlplane" as const })),
    ...staying(cluster.workers.nodes).map((node) => ({ node, role: "worker" as const })),
  ].map(({ node, role }) => ({
    name: node.name,
    ip: node.ip,
    role,
    patches: (installerImage: string) =>
      nodePatchDocuments({ ...common, installerImage, role, hostname: node.name, nodeLabels: csiTopology?.(node.proxmoxNode) }),
    vmIdentity: { vm_id: String(node.vmId), proxmox_node: node.proxmoxNode },
  }));
}

/** The switches of a cluster as the config sets them (ciliumProps passes the Cilium stack these; npm run status expects their releases). */
export function ciliumStackSwitches(cluster: Pick<ClusterConfig, "network" | "platform">): CiliumStackSwitches {
  return { gatewayApi: cluster.platform.gatewayApi.enabled, lbIpam: lbIpam(cluster) !== undefined };
}

/** A cluster's Talos stack props: the endpoint, its staying nodes with their patches, the secrets' destroy guard and the health gate switch. */
export function talosProps(config: MeshConfig, cluster: ClusterConfig): ConfigProps<TalosStackProps> {
  return {
    clusterName: cluster.name,
    endpoint: clusterEndpoint(cluster),
    talosVersion: config.versions.talos,
    kubernetesVersion: config.versions.kubernetes,
    imageFactoryUrl: cluster.talos.imageFactoryUrl,
    extensions: cluster.talos.extensions,
    nodes: clusterNodes(cluster, config.proxmox),
    preventSecretsDestroy: !pkiDestroyAllowed(config, cluster),
    healthGates: healthGatesOn(config, cluster),
  };
}

/** A cluster's Cilium stack props, less its Talos stack's credentials and outputs and its ClusterMesh certificates from the mesh CA. */
export function ciliumProps(config: MeshConfig, cluster: ClusterConfig): ConfigProps<CiliumStackProps, "credentials" | "clustermeshTls" | "talos"> {
  return {
    clusterName: cluster.name,
    clusterId: cluster.id,
    ciliumVersion: config.versions.cilium,
    hubble: cluster.platform.hubble.enabled,
    apiserverNodePort: cluster.clustermesh.nodePort,
    apiserverReplicas: clustermeshApiserverReplicas(cluster),
    chartSource: chartSourceOf(config.charts),
    apiserverServiceType: cluster.clustermesh.serviceType,
    encryption: config.encryption.type,
    gatewayApi: ciliumStackSwitches(cluster).gatewayApi,
    lbIpam: lbIpamOf(cluster),
    peers: meshPeers(config, cluster.name),
    kubernetesVersion: config.versions.kubernetes,
    leavingNodes: leavingNodes(cluster),
    healthGates: healthGatesOn(config, cluster),
  };
}

/** A cluster's platform stack props, less its Talos stack's credentials: its components, workers, chart source and the Proxmox APIs serving its nodes. */
export function platformProps(config: MeshConfig, cluster: ClusterConfig): ConfigProps<PlatformStackProps, "credentials"> {
  return {
    clusterName: cluster.name,
    workerCount: cluster.workers.nodes.length,
    platform: cluster.platform,
    proxmox: clusterConnections(config.proxmox, cluster),
    chartSource: chartSourceOf(config.charts),
  };
}

/**
 * A cluster's credentials stack props, less its Talos stack's credentials and
 * talosconfig (the kubeconfig entry pairs the cluster's name with them, so the
 * composition root writes it).
 */
export function credentialsProps(config: Pick<MeshConfig, "credentials">): ConfigProps<CredentialsStackProps, "cluster" | "talosconfig"> {
  return { dir: config.credentials.dir };
}

/** The mesh-ca stack props: every cluster gets ClusterMesh certificates; the CA may be destroyed only when the mesh allows PKI destroy. */
export function meshCaProps(config: Pick<MeshConfig, "allowPkiDestroy" | "clusters">): ConfigProps<MeshCaStackProps> {
  return { allowDestroy: config.allowPkiDestroy, clusters: config.clusters.map((c) => c.name) };
}

/** The mesh-credentials stack props, less every cluster's credentials (their Talos stacks' outputs). */
export function meshCredentialsProps(config: Pick<MeshConfig, "credentials">): ConfigProps<MeshCredentialsStackProps, "clusters"> {
  return { dir: config.credentials.dir };
}

/** The stacks of one cluster's chain. */
export interface ClusterStacks {
  readonly name: string;
  readonly vms: VmsStack;
  readonly talos: TalosStack;
  readonly cilium: CiliumStack;
  readonly platform: PlatformStack;
  readonly credentials: CredentialsStack;
}

// Every per-cluster kind of the registry has its stack here, and nothing else: a kind added there fails to compile until it is wired.
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const CLUSTER_STACKS_MATCH_REGISTRY: SameKeys<Exclude<keyof ClusterStacks, "name">, ClusterStackKind> = true;
void CLUSTER_STACKS_MATCH_REGISTRY;

/** The stacks of a mesh, for tests and for the graph. */
export interface MeshStacks {
  readonly meshCa: MeshCaStack;
  /** Per cluster, in config order. */
  readonly clusters: readonly ClusterStacks[];
  readonly meshCredentials: MeshCredentialsStack;
}

export function buildMesh(app: App, config: MeshConfig): MeshStacks {
  const state = config.state;
  const doppler = dopplerOf(config);
  const meshCa = new MeshCaStack(app, MESH_CA_STACK, { ...meshCaProps(config), state });

  const clusters = config.clusters.map((cluster): ClusterStacks => {
    const vms = new VmsStack(app, clusterStackName(cluster.name, "vms"), { ...vmsProps(config, cluster), doppler, state });

    const talos = new TalosStack(app, clusterStackName(cluster.name, "talos"), { ...talosProps(config, cluster), state });
    // Node IPs are plain config values, so nothing else orders Talos after its VMs.
    talos.addDependency(vms);

    const cilium = new CiliumStack(app, clusterStackName(cluster.name, "cilium"), {
      ...ciliumProps(config, cluster),
      credentials: talos.outputs.credentials,
      clustermeshTls: meshCa.outputs.clusterTls(cluster.name),
      talos: talos.outputs,
      state,
    });

    const platform = new PlatformStack(app, clusterStackName(cluster.name, "platform"), {
      ...platformProps(config, cluster),
      credentials: talos.outputs.credentials,
      doppler,
      state,
    });
    // Day-2 pods need the CNI; and destroy must remove them before Cilium.
    platform.addDependency(cilium);

    const credentials = new CredentialsStack(app, clusterStackName(cluster.name, "credentials"), {
      ...credentialsProps(config),
      cluster: { name: cluster.name, credentials: talos.outputs.credentials },
      talosconfig: talos.outputs.talosconfig,
      doppler,
      state,
    });
    return { name: cluster.name, vms, talos, cilium, platform, credentials };
  });

  const meshCredentials = new MeshCredentialsStack(app, MESH_CREDENTIALS_STACK, {
    ...meshCredentialsProps(config),
    clusters: clusters.map((c) => ({ name: c.name, credentials: c.talos.outputs.credentials })),
    state,
  });
  return { meshCa, clusters, meshCredentials };
}
