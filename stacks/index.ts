/**
 * Builds every stack of a mesh from one config and wires them together.
 * Naming: naming.ts. Today this wires the mesh CA and every cluster's VMs
 * (with its Talos image). The rest of each cluster's chain (talos ->
 * cilium/platform/credentials, all built in this folder and tested with a
 * stand-in Talos stack) waits on the Talos stack, which needs the
 * siderolabs/talos bindings (README: Status).
 */
import { App } from "cdktf";
import { MeshConfig } from "../lib/config/schema";
import { MeshCaStack } from "./mesh-ca-stack";
import { VmsStack } from "./vms-stack";

/** The stacks of a mesh, for tests and for the graph. */
export interface MeshStacks {
  readonly meshCa: MeshCaStack;
  /** Per cluster, in config order. */
  readonly clusters: readonly { readonly name: string; readonly vms: VmsStack }[];
}

export function buildMesh(app: App, config: MeshConfig): MeshStacks {
  const meshCa = new MeshCaStack(app, { state: config.state, allowDestroy: config.allowPkiDestroy });
  const clusters = config.clusters.map((cluster) => ({
    name: cluster.name,
    vms: new VmsStack(app, {
      cluster,
      proxmox: config.proxmox,
      talosVersion: config.versions.talos,
      cephDisks: cluster.platform.rookCeph.enabled,
      state: config.state,
    }),
  }));
  return { meshCa, clusters };
}
