// `npm run graph`: prints the Mermaid diagram of the stacks the config builds
// (AGGRIK8S_CONFIG or the embedded default). The README embeds the default
// mesh's copy (npm run docs), and a test fails when that copy is stale.
import { Aggrik8sError } from "../lib/errors";
import { describeConfig, loadConfig } from "../lib/config/load";
import { meshCriticalPath, meshGraph, meshSchedule } from "../tools/mesh-graph";
import { formatSchedule, scheduleMatrix } from "../tools/graph";
import { cli } from "./lib/cli";

const { values } = cli({
  name: "graph",
  summary:
    "Prints the Mermaid graph of the stacks the config builds, the deploy's critical path, and its schedule: mesh-wide stacks, then one job per cluster chain at once, then the mesh-wide stacks that read them.",
  options: {
    matrix: { type: "boolean", description: "print only the cluster jobs as a GitHub Actions matrix (JSON, one line), for the workflow" },
  },
});

try {
  process.stderr.write(`${describeConfig(loadConfig({ env: process.env }))}\n`);
  if (values.matrix) {
    process.stdout.write(`${JSON.stringify(scheduleMatrix(meshSchedule(process.env)))}\n`);
    process.exit(0);
  }
  process.stdout.write(`${meshGraph(process.env)}\n`);
  const path = meshCriticalPath(process.env);
  process.stdout.write(`\ncritical path (${path.length} stacks, deployed one after another): ${path.join(" -> ")}\n`);
  process.stdout.write(`\n${formatSchedule(meshSchedule(process.env))}\n`);
} catch (e) {
  if (!(e instanceof Aggrik8sError)) throw e;
  process.stderr.write(`error: ${e.message}\n`);
  process.exitCode = 1;
}
