// Visits every construct of a stack with one policy rule (or the whole pack),
// as cdktf's aspect pass does at synth, and returns the error annotations it left.
import { IAspect, TerraformStack, Testing } from "cdktf";

export function violations(rule: IAspect, build: (stack: TerraformStack) => void): string[] {
  const stack = new TerraformStack(Testing.app(), "policy-test");
  build(stack);
  for (const node of stack.node.findAll()) rule.visit(node);
  return stack.node.findAll().flatMap((n) => n.node.metadata.filter((m) => m.type === "@cdktf/error").map((m) => String(m.data)));
}
