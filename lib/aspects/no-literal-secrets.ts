import { PolicyRule, leaves } from "./rule";

/** Shapes of secrets that must never be literal in synthesized JSON. */
const SECRET_SHAPES: readonly [string, RegExp][] = [
  ["a PEM private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ["a Proxmox API token", /[A-Za-z0-9_.-]+@(pam|pve|[A-Za-z0-9_-]+)![A-Za-z0-9_-]+=[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/],
  ["a Doppler token", /\bdp\.(st|pt|sa|ct|scim|audit)\.[A-Za-z0-9_-]{20,}/],
  ["a Honeycomb API key", /\bhc[a-z]{2}_[A-Za-z0-9]{20,}/],
];

/**
 * AGK-SEC-003: no literal secrets in synthesized JSON: secrets reach
 * Terraform through sensitive variables, Doppler data sources or resource
 * outputs, never as strings written into cdktf.out/.
 */
export const noLiteralSecrets: PolicyRule = {
  id: "AGK-SEC-003",
  name: "no-literal-secrets",
  level: "error",
  description: "a PEM private key, Proxmox token, Doppler token or Honeycomb key written as a literal in synthesized JSON",
  fix: "reference the secret from the config ({env: NAME} or {doppler: NAME}) instead of writing it in code",
  check(target) {
    return leaves(target.resolvedJson()).flatMap(([key, value]) => {
      if (typeof value !== "string") return [];
      const hit = SECRET_SHAPES.find(([, re]) => re.test(value));
      return hit ? [{ message: `${key} holds ${hit[0]} as a literal` }] : [];
    });
  },
};
