/**
 * Builds every stack of a mesh from one config and wires them together.
 * Naming: naming.ts. Today this wires only `mesh-ca`: the per-cluster chain
 * (vms -> talos -> cilium/platform/credentials, all built in this folder and
 * tested with a stand-in Talos stack) waits on the Talos stack, which needs
 * the siderolabs/talos bindings (README: Status).
 */
import { App } from "cdktf";
import { MeshConfig } from "../lib/config/schema";
import { MeshCaStack } from "./mesh-ca-stack";

/** The stacks of a mesh, for tests and for the graph. */
export interface MeshStacks {
  readonly meshCa: MeshCaStack;
}

export function buildMesh(app: App, config: MeshConfig): MeshStacks {
  const meshCa = new MeshCaStack(app, { state: config.state, allowDestroy: config.allowPkiDestroy });
  return { meshCa };
}
