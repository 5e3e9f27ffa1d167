// `npm run init`: writes ./aggrik8s.yaml, a commented mesh config to edit,
// from examples/three-clusters.yaml, with the schema hint editors use for
// completion. Refuses to overwrite one that exists.
import * as fs from "fs";
import * as path from "path";
import { cli } from "./lib/cli";
import { LOCAL_CONFIG_FILE } from "../lib/config/load";

const { values } = cli({
  name: "init",
  summary: `Writes ./${LOCAL_CONFIG_FILE}, a commented mesh config to edit (from examples/three-clusters.yaml); later commands use it.`,
  options: { force: { type: "boolean", description: `overwrite an existing ./${LOCAL_CONFIG_FILE}` } },
});
import { repoRoot as root } from "./lib/toolchain";
const target = path.resolve(LOCAL_CONFIG_FILE);
if (fs.existsSync(target) && !values.force) {
  process.stderr.write(`error: ${target} exists. Fix: edit it, or pass --force to start over\n`);
  process.exit(1);
}
const schema = path.relative(path.dirname(target), path.join(root, "config.schema.json"));
// The example's own schema hint is relative to examples/: the line above replaces it.
const example = fs.readFileSync(path.join(root, "examples", "three-clusters.yaml"), "utf8").replace(/^# yaml-language-server: \$schema=.*\n/, "");
fs.writeFileSync(
  target,
  [
    `# yaml-language-server: $schema=${schema}`,
    "# Your aggrik8s mesh. Every field is in docs/config.md (the config reference); `npm run config`",
    "# prints it resolved (defaults filled in), `npm run synth` checks it and writes cdktf.out/.",
    "# Change at least: proxmox.endpoint, the Proxmox node names, addresses, VM ids.",
    "",
    example,
  ].join("\n"),
);
process.stdout.write(`wrote ${target}: edit it, then npm run config\n`);
