import { firewallMarkdown } from "./firewall";
import { CONFIG_ENV, loadConfig } from "../lib/config/load";
import { GeneratedDocs, generatedDocs } from "./docs";
import { meshGraph } from "./mesh-graph";

/**
 * The environment the generated docs are built with: AGGRIK8S_CONFIG set to
 * empty, which is the embedded demo mesh, whatever the shell exports and
 * whatever ./aggrik8s.yaml (.yml, .json) the working directory holds.
 */
const DEMO_ONLY = { [CONFIG_ENV]: "" };

/** Everything `npm run docs` writes, including the parts that need the stacks or the embedded mesh: always from the demo mesh. */
export function projectDocs(): GeneratedDocs {
  return generatedDocs({ "stack-graph": meshGraph(DEMO_ONLY), firewall: firewallMarkdown(loadConfig({ env: DEMO_ONLY }).config) });
}
