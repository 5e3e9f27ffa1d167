import { TerraformElement } from "cdktf";
import { IConstruct } from "constructs";
import { PolicyRule, leaves, resolvedJson } from "./rule";

import { ALLOW_INSECURE_CONTEXT } from "../insecure-tls";

/**
 * TLS verification stays on: no `insecure` / `skip_tls_verify` set to true
 * unless the operator turned it off in the config for that stack.
 */
export class NoInsecure extends PolicyRule {
  readonly id = "no-insecure";

  protected check(node: IConstruct) {
    if (!(node instanceof TerraformElement)) return [];
    if (node.node.tryGetContext(ALLOW_INSECURE_CONTEXT) === true) return [];
    return leaves(resolvedJson(node))
      .filter(([key, value]) => /(^|\.)(insecure|skip_tls_verify|insecure_skip_tls_verify)$/.test(key) && value === true)
      .map(([key]) => ({
        message: `${key} is true: TLS verification is off`,
        fix: "leave TLS verification on (give the endpoint a trusted certificate), or turn it off explicitly in the mesh config",
      }));
  }
}
