/**
 * The composition root: builds every stack of a mesh from one config and
 * wires them. Per cluster the chain is
 *   vms -> talos -> cilium (+ mesh-ca) -> platform, and talos -> credentials;
 * then mesh-credentials over every cluster. Cross-stack references order most
 * of it; every ordering they do not imply (VMs before Talos, Cilium before
 * the day-2 releases) is an explicit stack dependency, because cdktf deploys
 * independent stacks concurrently. Stack names: naming.ts.
 */
import { App } from "cdktf";
import { lbIpam, lbIpamChartValues, poolRange } from "../lib/cilium/lb-ipam";
import { peerEndpoint } from "../lib/cilium/mesh";
import { MeshConfig } from "../lib/config/schema";
import { ChartSource, REGISTRY_CHARTS } from "../lib/helm/chart-source";
import { DopplerSettings } from "../lib/doppler/access";
import { clusterConnections, onlyConnection } from "../lib/proxmox/connections";
import { clusterEndpoint, clusterNodes, leavingNodes } from "../lib/talos/cluster";
import { CiliumStack } from "./cilium-stack";
import { CredentialsStack, MeshCredentialsStack } from "./credentials-stack";
import { MeshCaStack } from "./mesh-ca-stack";
import { MESH_CA_STACK, MESH_CREDENTIALS_STACK, clusterStackName } from "./naming";
import { PlatformStack } from "./platform-stack";
import { TalosStack } from "./talos-stack";
import { VmsStack } from "./vms-stack";

/** The stacks of one cluster's chain. */
export interface ClusterStacks {
  readonly name: string;
  readonly vms: VmsStack;
  readonly talos: TalosStack;
  readonly cilium: CiliumStack;
  readonly platform: PlatformStack;
  readonly credentials: CredentialsStack;
}

/** The stacks of a mesh, for tests and for the graph. */
export interface MeshStacks {
  readonly meshCa: MeshCaStack;
  /** Per cluster, in config order. */
  readonly clusters: readonly ClusterStacks[];
  readonly meshCredentials: MeshCredentialsStack;
}

/** A cluster's LB-IPAM chart values and pool size, when its LB-IPAM is on. */
function lbIpamOf(cluster: MeshConfig["clusters"][number]) {
  const lb = lbIpam(cluster);
  if (!lb) return undefined;
  const apiserverIp = cluster.clustermesh.serviceType === "LoadBalancer" ? cluster.clustermesh.loadBalancerIP : undefined;
  return {
    values: lbIpamChartValues(cluster.name, lb, apiserverIp ? { ip: apiserverIp } : undefined),
    poolSize: poolRange(lb.pool).size,
  };
}

export function buildMesh(app: App, config: MeshConfig): MeshStacks {
  const state = config.state;
  const doppler: DopplerSettings | undefined = config.doppler.enabled
    ? { project: config.doppler.project, config: config.doppler.config, tokenEnv: config.doppler.token.env }
    : undefined;
  const chartSource = chartSourceOf(config.charts);
  const meshCa = new MeshCaStack(app, MESH_CA_STACK, { state, allowDestroy: config.allowPkiDestroy, clusters: config.clusters.map((c) => c.name) });

  const clusters = config.clusters.map((cluster): ClusterStacks => {
    const healthGates = cluster.healthGates ?? config.healthGates;
    const vms = new VmsStack(app, clusterStackName(cluster.name, "vms"), {
      cluster,
      proxmox: config.proxmox,
      talosVersion: config.versions.talos,
      cephDisks: cluster.platform.rookCeph.enabled,
      doppler,
      state,
    });

    const talos = new TalosStack(app, clusterStackName(cluster.name, "talos"), {
      clusterName: cluster.name,
      endpoint: clusterEndpoint(cluster),
      talosVersion: config.versions.talos,
      kubernetesVersion: config.versions.kubernetes,
      imageFactoryUrl: cluster.talos.imageFactoryUrl,
      extensions: cluster.talos.extensions,
      nodes: clusterNodes(cluster),
      preventSecretsDestroy: !(cluster.allowPkiDestroy ?? config.allowPkiDestroy),
      healthGates,
      state,
    });
    // Node IPs are plain config values, so nothing else orders Talos after its VMs.
    talos.addDependency(vms);

    const cilium = new CiliumStack(app, clusterStackName(cluster.name, "cilium"), {
      clusterName: cluster.name,
      clusterId: cluster.id,
      ciliumVersion: config.versions.cilium,
      hubble: cluster.platform.hubble.enabled,
      apiserverNodePort: cluster.clustermesh.nodePort,
      apiserverReplicas: cluster.workers.nodes.length >= 2 ? 2 : 1,
      chartSource,
      apiserverServiceType: cluster.clustermesh.serviceType,
      encryption: config.encryption.type,
      gatewayApi: cluster.platform.gatewayApi.enabled,
      lbIpam: lbIpamOf(cluster),
      peers: config.clusters.filter((c) => c.name !== cluster.name).map(peerEndpoint),
      credentials: talos.credentials,
      clustermeshTls: meshCa.clusterTls(cluster.name),
      talos: {
        clientConfiguration: talos.clientConfiguration,
        controlPlaneIps: talos.cluster.controlPlaneIps,
        nodeNames: talos.cluster.nodeNames,
      },
      kubernetesVersion: config.versions.kubernetes,
      leavingNodes: leavingNodes(cluster),
      healthGates,
      state,
    });

    const platform = new PlatformStack(app, clusterStackName(cluster.name, "platform"), {
      clusterName: cluster.name,
      workerCount: cluster.workers.nodes.length,
      platform: cluster.platform,
      proxmox: onlyConnection(clusterConnections(config.proxmox, cluster)),
      chartSource,
      credentials: talos.credentials,
      doppler,
      state,
    });
    // Day-2 pods need the CNI; and destroy must remove them before Cilium.
    platform.addDependency(cilium);

    const credentials = new CredentialsStack(app, clusterStackName(cluster.name, "credentials"), {
      cluster: { name: cluster.name, credentials: talos.credentials },
      talosconfig: talos.talosconfig,
      dir: config.credentials.dir,
      doppler,
      state,
    });
    return { name: cluster.name, vms, talos, cilium, platform, credentials };
  });

  const meshCredentials = new MeshCredentialsStack(app, MESH_CREDENTIALS_STACK, {
    clusters: clusters.map((c) => ({ name: c.name, credentials: c.talos.credentials })),
    dir: config.credentials.dir,
    state,
  });
  return { meshCa, clusters, meshCredentials };
}

function chartSourceOf(charts: MeshConfig["charts"]): ChartSource {
  switch (charts.source) {
    case "oci":
      return { kind: "oci", registry: charts.registry };
    case "dir":
      return { kind: "dir", dir: charts.dir };
    default:
      return REGISTRY_CHARTS;
  }
}
