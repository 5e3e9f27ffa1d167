import { IConstruct } from "constructs";
import { PolicyAcknowledgements } from "./aspects/acknowledge";

/** The id of the `no-insecure` policy rule (lib/aspects/no-insecure.ts); a pack refuses an acknowledgement of an id it does not have. */
export const NO_INSECURE_RULE_ID = "AGK-SEC-002";

/**
 * Marks `scope` and everything below it as allowed to skip TLS verification,
 * because the operator chose so in the config (e.g. `proxmox.insecure`): it
 * acknowledges the `no-insecure` rule there, so its findings are reported as
 * info with this reason instead of failing synth.
 */
export function allowInsecureTls(scope: IConstruct): void {
  PolicyAcknowledgements.add(scope, [{ id: NO_INSECURE_RULE_ID, reason: "the mesh config turns TLS verification of this stack's API off (insecure: true)" }], {
    applyToChildren: true,
  });
}
