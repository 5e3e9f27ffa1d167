import { DataKubernetesResources } from "@cdktf/provider-kubernetes/lib/data-kubernetes-resources";
import { Fn, Op, Precondition, conditional } from "cdktf";
import { Construct } from "constructs";
import { ciliumJumpRefusal } from "./refusals";

export interface CiliumVersionGuardProps {
  /** The Cilium stack's name, for the message. */
  readonly stack: string;
  /** The Cilium version this deploy installs (`x.y.z`). */
  readonly version: string;
}

/** The running agent's version in the DaemonSet's JSON: its image `…/cilium:v<x.y.z>` (a tag; a digest-only image is not read). */
export const AGENT_VERSION_PATTERN = "/cilium:v?([0-9]+[.][0-9]+[.][0-9]+)";

/**
 * Refuses, at plan, a Cilium upgrade or downgrade of more than one minor,
 * with the same fix as `npm run diff`. The version it compares with is the
 * one the cluster runs: the `cilium` DaemonSet's agent image, read at plan
 * (a list, so a cluster without Cilium yet reads nothing and passes). The
 * release carries {@link precondition}, so a plain `cdktf deploy` refuses
 * too. (A stack cannot read its own last state at plan on a first deploy:
 * `terraform_remote_state` fails on a state that does not exist, `defaults`
 * or not.)
 */
export class CiliumVersionGuard extends Construct {
  /** For the Cilium release's `lifecycle.precondition`. */
  readonly precondition: Precondition;
  /** The running agent's version, `""` when none runs (an expression, known at plan). */
  readonly running: string;

  constructor(scope: Construct, id: string, props: CiliumVersionGuardProps) {
    super(scope, id);
    const m = /^v?(\d+)\.(\d+)\./.exec(props.version);
    if (!m) throw new Error(`Cilium version ${props.version} is not x.y.z`);
    // As expressions (tonumber("0")): cdktf 0.21 renders a falsy literal operand of Op (0, "") as `undefined`.
    const [toMajor, toMinor] = [Fn.tonumber(m[1]), Fn.tonumber(m[2])];
    const agents = new DataKubernetesResources(this, "agents", {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      namespace: "kube-system",
      fieldSelector: "metadata.name=cilium",
    });
    this.running = Fn.try([Fn.element(Fn.regex(AGENT_VERSION_PATTERN, Fn.jsonencode(agents.objects)), 0), ""]);
    // Both operands of || are evaluated: try() keeps an empty or odd version from failing the plan.
    const parts = Fn.split(".", this.running);
    const fromMajor = Fn.tonumber(Fn.element(parts, 0));
    const fromMinor = Fn.tonumber(Fn.element(parts, 1));
    // (tonumber() around the conditional: cdktf writes it unparenthesised, and `a + c ? 1 : -1` would parse as `(a + c) ? 1 : -1`.)
    this.precondition = {
      // (Not `== ""`, which cdktf would render `== undefined`.)
      condition: Op.or(Op.lt(Fn.lengthOf(this.running), 1), Fn.try([Op.and(Op.eq(fromMajor, toMajor), Op.lte(Fn.abs(Op.sub(fromMinor, toMinor)), 1)), false])),
      errorMessage: ciliumJumpRefusal({
        stack: props.stack,
        from: this.running,
        to: props.version,
        nextMinor: `${Fn.try([fromMajor, "?"])}.${Fn.try([Op.add(fromMinor, Fn.tonumber(conditional(Op.gt(toMinor, fromMinor), 1, -1))), "?"])}`,
      }),
    };
  }
}
