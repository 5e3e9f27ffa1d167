/**
 * A rule pack: applies its rules to every construct as one cdktf Aspect and
 * reports each finding as a cdktf annotation of the rule's level (errors fail
 * synth). A finding on a construct that acknowledges the rule is reported as
 * info, with the reason. Everything a pack learns stays in the pack: one pack
 * per app, no module state.
 */
import { Annotations, Aspects, DefaultTokenResolver, IAspect, StringConcat, TerraformElement, TerraformStack, Tokenization } from "cdktf";
import { IConstruct } from "constructs";
import { AcknowledgementError, formatProblem, maskSecrets } from "../errors";
import { PolicyAcknowledgements } from "./acknowledge";
import { PolicyLevel, PolicyRule, PolicyTarget, RULE_ID_SHAPE } from "./rule";

/** One finding of one rule on one construct, as the pack reported it. */
export interface PolicyFinding {
  readonly ruleId: string;
  readonly ruleName: string;
  /** The rule's level; an acknowledged finding keeps it here and is reported as info. */
  readonly level: PolicyLevel;
  /** Construct path of the construct that breaks the rule. */
  readonly path: string;
  readonly message: string;
  readonly fix: string;
  /** Set when an acknowledgement covers the finding. */
  readonly acknowledged?: { readonly reason: string; readonly on: string };
}

export class PolicyPack implements IAspect {
  readonly rules: readonly PolicyRule[];
  private readonly ruleIds: ReadonlySet<string>;
  private readonly reported: PolicyFinding[] = [];
  // The resolver synth uses for elements (cdktf's default, through its public Tokenization API).
  private readonly resolver = new DefaultTokenResolver(new StringConcat());

  constructor(rules: readonly PolicyRule[]) {
    const ids = new Set<string>();
    for (const r of rules) {
      if (!RULE_ID_SHAPE.test(r.id)) throw new Error(`policy rule ${r.name}: id ${JSON.stringify(r.id)} is not shaped AGK-<AREA>-<NNN>`);
      if (ids.has(r.id)) throw new Error(`policy rule ${r.name}: id ${r.id} is taken by another rule of the pack`);
      ids.add(r.id);
    }
    this.rules = rules;
    this.ruleIds = ids;
  }

  /** Adds the pack to every stack under `scope` (cdktf invokes aspects per stack, from the stack down) and returns it. */
  applyTo(scope: IConstruct): this {
    for (const stack of scope.node.findAll().filter(TerraformStack.isStack)) Aspects.of(stack).add(this);
    return this;
  }

  /** Every finding so far, in the order found. */
  get findings(): readonly PolicyFinding[] {
    return this.reported;
  }

  /** The findings that fail synth: error level and not acknowledged. */
  get failures(): readonly PolicyFinding[] {
    return this.reported.filter((f) => f.level === "error" && !f.acknowledged);
  }

  visit(node: IConstruct): void {
    for (const a of PolicyAcknowledgements.recordedOn(node)) {
      if (!this.ruleIds.has(a.id)) {
        throw new AcknowledgementError({
          path: node.node.path,
          message: `acknowledges ${a.id}, which no policy rule has`,
          fix: `name one of the rules (${[...this.ruleIds].join(", ")}), or remove the acknowledgement`,
        });
      }
    }
    const target = this.target(node);
    for (const rule of this.rules) {
      for (const v of rule.check(target)) this.report(node, rule, v.message, v.fix ?? rule.fix);
    }
  }

  private target(node: IConstruct): PolicyTarget {
    let json: { value: unknown } | undefined;
    return {
      construct: node,
      resolvedJson: () => {
        if (!(node instanceof TerraformElement)) return undefined;
        json ??= { value: Tokenization.resolve(node.toTerraform(), { scope: node, preparing: false, resolver: this.resolver }) };
        return json.value;
      },
    };
  }

  private report(node: IConstruct, rule: PolicyRule, message: string, fix: string): void {
    const path = node.node.path;
    const ack = PolicyAcknowledgements.covering(node).find((a) => a.id === rule.id);
    const finding: PolicyFinding = {
      ruleId: rule.id,
      ruleName: rule.name,
      level: rule.level,
      path,
      message,
      fix,
      ...(ack ? { acknowledged: { reason: ack.reason, on: ack.on } } : {}),
    };
    this.reported.push(finding);
    const tag = `[${rule.id} ${rule.name}]`;
    const annotations = Annotations.of(node);
    // An acknowledged finding needs no fix: it says who acknowledged it and why.
    if (ack)
      return annotations.addInfo(`${tag} ${maskSecrets(`${path}: ${message.replace(/\.$/, "")}; acknowledged on ${ack.on || "the app"}: ${ack.reason}`)}`);
    const text = `${tag} ${formatProblem({ path, message, fix })}`;
    if (rule.level === "error") annotations.addError(text);
    else if (rule.level === "warning") annotations.addWarning(text);
    else annotations.addInfo(text);
  }
}
