import { PolicyRule, leaves } from "./rule";

/**
 * AGK-SEC-002: TLS verification stays on: no `insecure` / `skip_tls_verify`
 * set to true. A stack whose config turned TLS verification off acknowledges
 * this rule (lib/insecure-tls.ts), so its findings are reported as info.
 */
export const noInsecure: PolicyRule = {
  id: "AGK-SEC-002",
  name: "no-insecure",
  level: "error",
  description: "`insecure` / `skip_tls_verify` set to true; acknowledged on a stack whose config turned TLS verification off",
  fix: "leave TLS verification on (give the endpoint a trusted certificate), or turn it off explicitly in the mesh config",
  check(target) {
    return leaves(target.resolvedJson())
      .filter(([key, value]) => /(^|\.)(insecure|skip_tls_verify|insecure_skip_tls_verify)$/.test(key) && value === true)
      .map(([key]) => ({ message: `${key} is true: TLS verification is off` }));
  },
};
