/**
 * Shared shape of the policy rules: each is a cdktf Aspect in its own file,
 * reports through error annotations (so `cdktf synth` lists every violation),
 * and inspects elements as they will be written: resolved JSON.
 */
import { Annotations, IAspect, TerraformElement } from "cdktf";
// The resolver synth itself uses; cdktf does not re-export it from its index.
import { resolve } from "cdktf/lib/_tokens";
import { IConstruct } from "constructs";
import { Problem, formatProblem } from "../errors";

export abstract class PolicyRule implements IAspect {
  /** Short id shown with each violation, e.g. `sensitive-outputs`. */
  abstract readonly id: string;

  /** Problems of one construct; none when compliant. */
  protected abstract check(node: IConstruct): Omit<Problem, "path">[];

  visit(node: IConstruct): void {
    for (const p of this.check(node)) {
      Annotations.of(node).addError(`[${this.id}] ${formatProblem({ path: node.node.path, ...p })}`);
    }
  }
}

// Set by PolicyPack while its rules look at one construct, so the element is
// resolved once for all of them instead of once per rule.
let visiting: { readonly element: IConstruct; json?: unknown } | undefined;

/** The element's Terraform JSON with tokens resolved, as synth writes it. */
export function resolvedJson(element: TerraformElement): unknown {
  if (visiting?.element !== element) return resolve(element, element.toTerraform());
  if (!("json" in visiting)) visiting.json = resolve(element, element.toTerraform());
  return visiting.json;
}

/** Every rule as one aspect: each construct is visited once and resolved at most once. */
export class PolicyPack implements IAspect {
  constructor(readonly rules: readonly PolicyRule[]) {}

  visit(node: IConstruct): void {
    visiting = { element: node };
    try {
      for (const rule of this.rules) rule.visit(node);
    } finally {
      visiting = undefined;
    }
  }
}

/** Every [keyPath, value] leaf of a JSON value. */
export function leaves(value: unknown, at = ""): [string, unknown][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, `${at}[${i}]`));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, at ? `${at}.${k}` : k));
  }
  return [[at, value]];
}
