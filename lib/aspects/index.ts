/** The policy pack: every rule, applied to every stack of the app. */
import { Aspects, TerraformStack } from "cdktf";
import { IConstruct } from "constructs";
import { NoInsecure } from "./no-insecure";
import { NoLiteralSecrets } from "./no-literal-secrets";
import { PsaLabels } from "./psa-labels";
import { PolicyPack, PolicyRule } from "./rule";
import { SensitiveOutputs } from "./sensitive-outputs";

export function policyRules(): PolicyRule[] {
  return [new SensitiveOutputs(), new NoInsecure(), new NoLiteralSecrets(), new PsaLabels()];
}

export function applyPolicies(app: IConstruct): void {
  // cdktf invokes aspects per stack starting at the stack, so app-level aspects would never run.
  for (const stack of app.node.findAll().filter(TerraformStack.isStack)) {
    Aspects.of(stack).add(new PolicyPack(policyRules()));
  }
}
