/**
 * The policy rules and the pack every synth applies. Constructs never import
 * this module (only acknowledge.ts); the synth runner does.
 */
import { IConstruct } from "constructs";
import { noInsecure } from "./no-insecure";
import { noLiteralSecrets } from "./no-literal-secrets";
import { PolicyPack } from "./pack";
import { psaLabels } from "./psa-labels";
import { PolicyRule } from "./rule";
import { sensitiveOutputs } from "./sensitive-outputs";

export { PolicyAcknowledgements } from "./acknowledge";
export type { PolicyAcknowledgement, AcknowledgeOptions } from "./acknowledge";
export { PolicyPack } from "./pack";
export type { PolicyFinding } from "./pack";
export type { PolicyLevel, PolicyRule, PolicyTarget, PolicyViolation } from "./rule";

/** Every rule of the house, in id order. */
export function policyRules(): PolicyRule[] {
  return [sensitiveOutputs, noInsecure, noLiteralSecrets, psaLabels];
}

/** Applies a new pack of `rules` to every stack under `app` and returns it (its findings are this app's alone). */
export function applyPolicies(app: IConstruct, rules: readonly PolicyRule[] = policyRules()): PolicyPack {
  return new PolicyPack(rules).applyTo(app);
}

/** The rule table of docs/architecture.md (a generated section). */
export function policyRulesMarkdown(rules: readonly PolicyRule[] = policyRules()): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  return [
    "| id | name | level | what it refuses | fix |",
    "| --- | --- | --- | --- | --- |",
    ...rules.map((r) => `| \`${r.id}\` | \`${r.name}\` | ${r.level} | ${cell(r.description)} | ${cell(r.fix)} |`),
  ].join("\n");
}
