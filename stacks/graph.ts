import { Testing } from "cdktf";
import { loadConfig } from "../lib/config/load";
import { stackGraphMermaid } from "../lib/graph";
import { buildMesh } from ".";

/** The stack graph of the mesh the environment's config describes, built by the same buildMesh as synth. */
export function meshGraph(env: Readonly<Record<string, string | undefined>>): string {
  const { config } = loadConfig({ env });
  // An app that is never synthesized: only its construct tree is read.
  const app = Testing.app();
  buildMesh(app, config);
  return stackGraphMermaid(app, config.clusters.map((c) => c.name));
}
