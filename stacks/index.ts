/**
 * Builds every stack of a mesh from one config and wires them together.
 * Stack graph and naming: see naming.ts and the README.
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
