import { firewallMarkdown } from "../lib/cilium/firewall";
import { loadConfig } from "../lib/config/load";
import { GeneratedDocs, generatedDocs } from "./docs";
import { meshGraph } from "./mesh-graph";

/** Everything `npm run docs` writes, including the parts that need the stacks or the embedded mesh. */
export function projectDocs(): GeneratedDocs {
  return generatedDocs({ "stack-graph": meshGraph({}), firewall: firewallMarkdown(loadConfig({ env: {} }).config) });
}
