// `npm run config`: prints the summary first: which config, its warnings
// (stderr), the secrets the synthesized stacks read at deploy time (only
// those: a switched-off component's defaults are not listed), each with
// whether it is set, never its value; then the resolved mesh config with every
// default filled in, as YAML.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { runApp } from "../tools/app";
import { buildMesh } from "../stacks";
import { stackSecretNames, synthesizedStacks } from "./lib/stack-secrets";
import { Aggrik8sError, formatProblem } from "../lib/errors";
import { describeConfig, loadConfig } from "../lib/config/load";
import { cli } from "./lib/cli";

cli({
  name: "config",
  summary:
    "Prints a summary first (which config, its warnings, the secret variables the stacks read and whether each is set), then the resolved mesh config (defaults filled in) as YAML.",
});

try {
  const loaded = loadConfig({ env: process.env });
  const { config, warnings } = loaded;
  process.stdout.write(`# ${describeConfig(loaded)}\n`);
  for (const w of warnings) process.stderr.write(`warning: ${formatProblem(w)}\n`);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "aggrik8s-config-"));
  try {
    if (runApp({ env: process.env, build: buildMesh, outdir, stderr: () => {} }) === 0) {
      const byName = new Map<string, string[]>();
      for (const s of synthesizedStacks(outdir)) {
        const names = stackSecretNames(s.json);
        for (const n of [...names.variables, ...names.providerEnv]) byName.set(n, [...(byName.get(n) ?? []), s.name]);
      }
      process.stdout.write(`# secrets the stacks read from the environment at deploy time:\n`);
      for (const [name, stacks] of [...byName].sort(([a], [b]) => a.localeCompare(b))) {
        process.stdout.write(`#   ${name}: ${process.env[name] ? "set (value hidden)" : "NOT SET"} (${stacks.join(", ")})\n`);
      }
    }
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  process.stdout.write(
    `# ${warnings.length} warning${warnings.length === 1 ? "" : "s"}${warnings.length ? " (on stderr, above)" : ""}\n# the resolved config (defaults filled in):\n${YAML.stringify(config)}`,
  );
} catch (e) {
  if (!(e instanceof Aggrik8sError)) throw e;
  process.stderr.write(`error: ${e.message}\n`);
  process.exitCode = 1;
}
