// `npm run preflight`: a read-only check of every Proxmox API the config uses
// (node names, datastores, bridges and VLAN awareness, free VM ids, the ISO
// datastore's content types, the token's privileges), every problem at once
// with its fix (tools/preflight.ts). `npm run deploy` runs it first.
import { Aggrik8sError } from "../lib/errors";
import { describeConfig, loadConfig } from "../lib/config/load";
import { runPreflight } from "../tools/preflight";
import { cli } from "./lib/cli";

const { values } = cli({
  name: "preflight",
  summary:
    "Checks every Proxmox API the config uses, read-only: nodes, datastores, bridges (VLAN-aware where tagged), free VM ids, the ISO datastore, the token's privileges. Exits 1 on any problem.",
  options: {
    timeout: { type: "string", description: "seconds to wait for each API request (default 10)" },
  },
});

const timeout = Number(values.timeout ?? 10);
if (!(timeout > 0)) {
  process.stderr.write(`error: --timeout ${values.timeout} is not a positive number of seconds. Fix: e.g. --timeout 10\n`);
  process.exit(2);
}
try {
  const loaded = loadConfig({ env: process.env });
  process.stderr.write(`${describeConfig(loaded)}\n`);
  runPreflight(loaded.config, { env: process.env, out: (l) => process.stdout.write(`${l}\n`), timeoutMs: timeout * 1000 }).then((n) => process.exit(n ? 1 : 0));
} catch (e) {
  if (!(e instanceof Aggrik8sError)) throw e;
  process.stderr.write(`error: ${e.message}\n`);
  process.exit(1);
}
