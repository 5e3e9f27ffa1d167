import { TerraformElement } from "cdktf";
import { IConstruct } from "constructs";
import { PolicyRule, leaves, resolvedJson } from "./rule";

/** Shapes of secrets that must never be literal in synthesized JSON. */
const SECRET_SHAPES: readonly [string, RegExp][] = [
  ["a PEM private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ["a Proxmox API token", /[A-Za-z0-9_.-]+@(pam|pve|[A-Za-z0-9_-]+)![A-Za-z0-9_-]+=[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/],
  ["a Doppler token", /\bdp\.(st|pt|sa|ct|scim|audit)\.[A-Za-z0-9_-]{20,}/],
  ["a Honeycomb API key", /\bhc[a-z]{2}_[A-Za-z0-9]{20,}/],
];

/**
 * No literal secrets in synthesized JSON: secrets reach Terraform through
 * sensitive variables, Doppler data sources or resource outputs, never as
 * strings written into cdktf.out/.
 */
export class NoLiteralSecrets extends PolicyRule {
  readonly id = "no-literal-secrets";

  protected check(node: IConstruct) {
    if (!(node instanceof TerraformElement)) return [];
    return leaves(resolvedJson(node)).flatMap(([key, value]) => {
      if (typeof value !== "string") return [];
      const hit = SECRET_SHAPES.find(([, re]) => re.test(value));
      return hit
        ? [
            {
              message: `${key} holds ${hit[0]} as a literal`,
              fix: "reference the secret from the config ({env: NAME} or {doppler: NAME}) instead of writing it in code",
            },
          ]
        : [];
    });
  }
}
