// `npm run graph`: prints the Mermaid diagram of the stacks the config builds
// (AGGRIK8S_CONFIG or the embedded default). The README embeds the default
// mesh's copy (npm run docs), and a test fails when that copy is stale.
import { Aggrik8sError } from "../lib/errors";
import { describeConfig, loadConfig } from "../lib/config/load";
import { meshCriticalPath, meshGraph } from "../tools/mesh-graph";
import { cli } from "./lib/cli";

cli({ name: "graph", summary: "Prints the Mermaid graph of the stacks the config builds, and the deploy's critical path." });

try {
  process.stderr.write(`${describeConfig(loadConfig({ env: process.env }))}\n`);
  process.stdout.write(`${meshGraph(process.env)}\n`);
  const path = meshCriticalPath(process.env);
  process.stdout.write(`\ncritical path (${path.length} stacks, deployed one after another): ${path.join(" -> ")}\n`);
} catch (e) {
  if (!(e instanceof Aggrik8sError)) throw e;
  process.stderr.write(`error: ${e.message}\n`);
  process.exitCode = 1;
}
