import { TerraformOutput } from "cdktf";
import { PolicyRule } from "./rule";

/** Output names that carry credentials. */
const CREDENTIAL_NAME = /kubeconfig|talosconfig|client_?configuration|private_?key|key_?pem|client_?key|client_?cert|token|secret|password|machine_?secrets/i;

/**
 * AGK-SEC-001: outputs that carry credentials must be `sensitive`, so the
 * engine never prints them in plans or logs.
 */
export const sensitiveOutputs: PolicyRule = {
  id: "AGK-SEC-001",
  name: "sensitive-outputs",
  level: "error",
  description: "an output carrying credentials (kubeconfig, talosconfig, keys, tokens) that is not `sensitive`",
  fix: "pass sensitive: true to the TerraformOutput",
  check({ construct }) {
    if (!(construct instanceof TerraformOutput)) return [];
    const name = construct.friendlyUniqueId;
    // Where a credential was written is not itself a credential.
    if (construct.sensitive === true || !CREDENTIAL_NAME.test(name) || /_(path|file|filename)$/.test(name)) return [];
    return [{ message: `output "${name}" carries credentials but is not sensitive` }];
  },
};
