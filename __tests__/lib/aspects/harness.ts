// Visits every construct of a stack with a pack of rules, as cdktf's aspect
// pass does at synth, and returns the annotations the pack left, by level.
import { AnnotationMetadataEntryType, TerraformStack, Testing } from "cdktf";
import { PolicyPack } from "../../../lib/aspects/pack";
import { PolicyRule } from "../../../lib/aspects/rule";

export interface Annotated {
  readonly errors: string[];
  readonly warnings: string[];
  readonly infos: string[];
  readonly pack: PolicyPack;
}

export function annotate(rules: PolicyRule | readonly PolicyRule[], build: (stack: TerraformStack) => void): Annotated {
  const stack = new TerraformStack(Testing.app(), "policy-test");
  build(stack);
  const pack = new PolicyPack(Array.isArray(rules) ? rules : [rules as PolicyRule]);
  for (const node of stack.node.findAll()) pack.visit(node);
  const of = (level: AnnotationMetadataEntryType) =>
    stack.node.findAll().flatMap((n) => n.node.metadata.filter((m) => m.type === level).map((m) => String(m.data)));
  return { errors: of(AnnotationMetadataEntryType.ERROR), warnings: of(AnnotationMetadataEntryType.WARN), infos: of(AnnotationMetadataEntryType.INFO), pack };
}

/** The error annotations alone (what fails synth). */
export function violations(rules: PolicyRule | readonly PolicyRule[], build: (stack: TerraformStack) => void): string[] {
  return annotate(rules, build).errors;
}
