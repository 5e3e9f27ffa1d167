/**
 * The shape of a policy rule. Each rule is one file exporting one
 * {@link PolicyRule}: an id, a level, what it checks and how to fix a
 * violation. Rules hold no state; the {@link PolicyPack} (pack.ts) applies
 * them as a cdktf Aspect, handles acknowledgements and reports findings.
 */
import { IConstruct } from "constructs";

/**
 * How serious a finding is. `error` fails synth; `warning` and `info` are
 * reported (cdktf annotations of that level) and synth goes on.
 */
export type PolicyLevel = "error" | "warning" | "info";

/** One way a construct breaks a rule. */
export interface PolicyViolation {
  /** What is wrong, naming the bad value (no trailing period). */
  readonly message: string;
  /** How to fix this one; the rule's {@link PolicyRule.fix} when absent. */
  readonly fix?: string;
}

/** What a rule looks at: one construct of the tree, with its synthesized JSON. */
export interface PolicyTarget {
  /** The construct visited. */
  readonly construct: IConstruct;
  /**
   * The construct's Terraform JSON with tokens resolved, as synth writes it
   * (`toTerraform()` resolved through cdktf's public `Tokenization`), or
   * undefined when the construct is not a `TerraformElement`. Computed at
   * most once per construct for all the rules of a pack.
   */
  resolvedJson(): unknown;
}

/** A policy rule: pure data plus a check. */
export interface PolicyRule {
  /** Stable id, `AGK-<AREA>-<NNN>`, e.g. `AGK-SEC-001`; acknowledgements name it. */
  readonly id: string;
  /** Short name shown beside the id, e.g. `sensitive-outputs`. */
  readonly name: string;
  /** The level of every finding of this rule. */
  readonly level: PolicyLevel;
  /** One sentence: what the rule refuses (the docs' rule table shows it). */
  readonly description: string;
  /** How to fix a violation, unless the violation says more precisely. */
  readonly fix: string;
  /** The violations of one construct; none when it complies or the rule does not apply to it. */
  check(target: PolicyTarget): readonly PolicyViolation[];
}

/** What an id must look like: `AGK-`, an upper-case area, `-`, three digits. */
export const RULE_ID_SHAPE = /^AGK-[A-Z0-9]+-[0-9]{3}$/;

/** Every [keyPath, value] leaf of a JSON value. */
export function leaves(value: unknown, at = ""): [string, unknown][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, `${at}[${i}]`));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, at ? `${at}.${k}` : k));
  }
  return [[at, value]];
}
