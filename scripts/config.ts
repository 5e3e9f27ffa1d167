// `npm run config`: prints the resolved mesh config (AGGRIK8S_CONFIG or the
// embedded default) with every default filled in, as YAML. Secrets are only
// ever references; for each {env: NAME} it says whether NAME is set, never its value.
import YAML from "yaml";
import { Aggrik8sError, formatProblem } from "../lib/errors";
import { describeConfig, loadConfig } from "../lib/config/load";
import { cli } from "./lib/cli";

cli({ name: "config", summary: "Prints the resolved mesh config (defaults filled in) as YAML, and which secret variables the stacks read and whether each is set." });
import { secretRefs } from "../lib/config/secret-refs";

try {
  const loaded = loadConfig({ env: process.env });
  const { config, warnings } = loaded;
  process.stdout.write(`# ${describeConfig(loaded)}\n${YAML.stringify(config)}`);
  // The Doppler token is only read when Doppler is on.
  const found = secretRefs({ ...config, doppler: config.doppler.enabled ? config.doppler : undefined });
  const names = [...new Set(found.flatMap(({ ref }) => ("env" in ref ? [ref.env] : [])))];
  process.stdout.write(`# secrets read from the environment at deploy time:\n`);
  for (const name of names) process.stdout.write(`#   ${name}: ${process.env[name] ? "set (value hidden)" : "NOT SET"}\n`);
  for (const w of warnings) process.stderr.write(`warning: ${formatProblem(w)}\n`);
} catch (e) {
  if (!(e instanceof Aggrik8sError)) throw e;
  process.stderr.write(`error: ${e.message}\n`);
  process.exitCode = 1;
}
