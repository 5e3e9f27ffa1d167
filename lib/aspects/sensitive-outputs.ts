import { TerraformOutput } from "cdktf";
import { IConstruct } from "constructs";
import { PolicyRule } from "./rule";

/** Output names that carry credentials. */
const CREDENTIAL_NAME = /kubeconfig|talosconfig|client_?configuration|private_?key|key_?pem|client_?key|client_?cert|token|secret|password|machine_?secrets/i;

/**
 * Outputs that carry credentials must be `sensitive`, so the engine never
 * prints them in plans or logs.
 */
export class SensitiveOutputs extends PolicyRule {
  readonly id = "sensitive-outputs";

  protected check(node: IConstruct) {
    if (!(node instanceof TerraformOutput)) return [];
    const name = node.friendlyUniqueId;
    // Where a credential was written is not itself a credential.
    if (node.sensitive === true || !CREDENTIAL_NAME.test(name) || /_(path|file|filename)$/.test(name)) return [];
    return [
      {
        message: `output "${node.friendlyUniqueId}" carries credentials but is not sensitive`,
        fix: "pass sensitive: true to the TerraformOutput",
      },
    ];
  }
}
