/**
 * Acknowledging a policy finding on one construct, with a reason: the one
 * module of lib/aspects/ that constructs may import (the rules read
 * constructs, never the reverse). An acknowledged finding is reported as
 * info, naming the reason, and does not fail synth.
 *
 * Acknowledgements live on the construct itself (construct metadata, which
 * cdktf does not synthesize), so there is no registry to keep in step.
 */
import { IConstruct } from "constructs";
import { AcknowledgementError } from "../errors";
import { RULE_ID_SHAPE } from "./rule";

/** The construct metadata type acknowledgements are recorded under. */
export const ACKNOWLEDGEMENT_METADATA = "aggrik8s:policy-acknowledgement";

/** One rule acknowledged, and why. */
export interface PolicyAcknowledgement {
  /** The rule's id, e.g. `AGK-SEC-002`. */
  readonly id: string;
  /** Why this construct may break the rule: shown with every finding it covers. Must not be empty. */
  readonly reason: string;
}

export interface AcknowledgeOptions {
  /**
   * Also cover every construct below this one.
   * @default false - only findings on this construct itself
   */
  readonly applyToChildren?: boolean;
}

/** An acknowledgement that covers a construct, and the construct it was recorded on. */
export interface AppliedAcknowledgement extends PolicyAcknowledgement {
  /** Construct path of the construct the acknowledgement was recorded on. */
  readonly on: string;
}

interface Recorded extends PolicyAcknowledgement {
  readonly applyToChildren: boolean;
}

/** Records and reads acknowledgements; holds no state of its own. */
export class PolicyAcknowledgements {
  /**
   * Acknowledges `acknowledgements` on `construct` (and, with
   * `applyToChildren`, on everything below it). Throws an
   * {@link AcknowledgementError} for an id that is not shaped like a rule id
   * or a reason that is empty; an id no rule of the pack has is refused when
   * the pack visits the construct.
   */
  static add(construct: IConstruct, acknowledgements: readonly PolicyAcknowledgement[], options: AcknowledgeOptions = {}): void {
    const path = construct.node.path;
    if (acknowledgements.length === 0) {
      throw new AcknowledgementError({ path, message: "the acknowledgement names no rule", fix: "pass at least one { id, reason }" });
    }
    for (const a of acknowledgements) {
      if (typeof a.id !== "string" || !RULE_ID_SHAPE.test(a.id)) {
        throw new AcknowledgementError({
          path,
          message: `acknowledgement id ${JSON.stringify(a.id)} is not a rule id`,
          fix: "use the id of a policy rule as docs/architecture.md lists them, e.g. AGK-SEC-001",
        });
      }
      if (typeof a.reason !== "string" || a.reason.trim() === "") {
        throw new AcknowledgementError({
          path,
          message: `acknowledgement of ${a.id} has no reason (${JSON.stringify(a.reason)})`,
          fix: `say why ${path || "this construct"} may break ${a.id}: the reason is printed with every finding it covers`,
        });
      }
    }
    for (const a of acknowledgements) {
      const entry: Recorded = { id: a.id, reason: a.reason.trim(), applyToChildren: options.applyToChildren === true };
      construct.node.addMetadata(ACKNOWLEDGEMENT_METADATA, entry);
    }
  }

  /** The acknowledgements recorded on `construct` itself, whether or not they apply to its children. */
  static recordedOn(construct: IConstruct): PolicyAcknowledgement[] {
    return recorded(construct).map(({ id, reason }) => ({ id, reason }));
  }

  /** The acknowledgements that cover `construct`: its own, and those of its scopes recorded with `applyToChildren`; nearest first. */
  static covering(construct: IConstruct): AppliedAcknowledgement[] {
    return construct.node.scopes
      .slice()
      .reverse()
      .flatMap((scope) =>
        recorded(scope)
          .filter((a) => scope === construct || a.applyToChildren)
          .map(({ id, reason }) => ({ id, reason, on: scope.node.path })),
      );
  }
}

function recorded(construct: IConstruct): Recorded[] {
  return construct.node.metadata.filter((m) => m.type === ACKNOWLEDGEMENT_METADATA).map((m) => m.data as Recorded);
}
