/**
 * The composition root: builds every stack of a mesh from one config and
 * wires them. Per cluster the chain is
 *   vms -> talos -> cilium (+ mesh-ca) -> platform, and talos -> credentials;
 * then mesh-credentials over every cluster. Cross-stack references order most
 * of it; every ordering they do not imply (VMs before Talos, Cilium before
 * the day-2 releases) is an explicit stack dependency, because cdktf deploys
 * independent stacks concurrently. Stack names: naming.ts. What each stack
 * takes from the config comes from bindings.ts; this file only adds the
 * shared state and Doppler settings and the cross-stack values.
 */
import { App } from "cdktf";
import { MeshConfig } from "../lib/config/schema";
import { ciliumProps, credentialsProps, dopplerOf, meshCaProps, meshCredentialsProps, platformProps, talosProps, vmsProps } from "./bindings";
import { CiliumStack } from "./cilium-stack";
import { CredentialsStack, MeshCredentialsStack } from "./credentials-stack";
import { MeshCaStack } from "./mesh-ca-stack";
import { ClusterStackKind, MESH_CA_STACK, MESH_CREDENTIALS_STACK, clusterStackName } from "./naming";
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
