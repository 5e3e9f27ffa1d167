import { IConstruct } from "constructs";

/**
 * Context key a stack sets (from the config, e.g. `proxmox.insecure`) when
 * the operator chose to skip TLS verification of that stack's API; the
 * `no-insecure` policy lets only such a stack through.
 */
export const ALLOW_INSECURE_CONTEXT = "aggrik8s:allowInsecureTls";

/** Marks `scope` and everything below it as allowed to skip TLS verification. Call before adding children. */
export function allowInsecureTls(scope: IConstruct): void {
  scope.node.setContext(ALLOW_INSECURE_CONTEXT, true);
}
