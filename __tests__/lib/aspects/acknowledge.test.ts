import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { PolicyAcknowledgements } from "../../../lib/aspects/acknowledge";
import { noInsecure } from "../../../lib/aspects/no-insecure";
import { sensitiveOutputs } from "../../../lib/aspects/sensitive-outputs";
import { AcknowledgementError } from "../../../lib/errors";
import { annotate } from "./harness";

const REASON = "the lab's kubeconfig output is read by a test harness that cannot read sensitive outputs";

describe("acknowledging a rule on one construct", () => {
  it("turns that construct's finding into info naming the reason; a sibling still fails", () => {
    const r = annotate(sensitiveOutputs, (s) => {
      const acked = new TerraformOutput(s, "kubeconfig", { value: "x" });
      new TerraformOutput(s, "talosconfig", { value: "x" });
      PolicyAcknowledgements.add(acked, [{ id: "AGK-SEC-001", reason: REASON }]);
    });
    expect(r.errors).toEqual([expect.stringMatching(/^\[AGK-SEC-001 sensitive-outputs\] policy-test\/talosconfig: /)]);
    expect(r.infos).toEqual([
      `[AGK-SEC-001 sensitive-outputs] policy-test/kubeconfig: output "kubeconfig" carries credentials but is not sensitive; acknowledged on policy-test/kubeconfig: ${REASON}`,
    ]);
    expect(r.pack.failures.map((f) => f.path)).toEqual(["policy-test/talosconfig"]);
    expect(r.pack.findings.find((f) => f.path === "policy-test/kubeconfig")?.acknowledged).toEqual({ reason: REASON, on: "policy-test/kubeconfig" });
  });

  it("covers the children only when asked to", () => {
    const build = (applyToChildren: boolean) =>
      annotate(sensitiveOutputs, (s) => {
        const group = new Construct(s, "group");
        new TerraformOutput(group, "kubeconfig", { value: "x" });
        PolicyAcknowledgements.add(group, [{ id: "AGK-SEC-001", reason: REASON }], { applyToChildren });
      });
    expect(build(false).errors).toHaveLength(1);
    const covered = build(true);
    expect(covered.errors).toEqual([]);
    expect(covered.infos).toEqual([expect.stringContaining(`; acknowledged on policy-test/group: ${REASON}`)]);
  });

  it("does not cover another rule", () => {
    const r = annotate([sensitiveOutputs, noInsecure], (s) => {
      PolicyAcknowledgements.add(new TerraformOutput(s, "kubeconfig", { value: "x" }), [{ id: "AGK-SEC-002", reason: REASON }]);
    });
    expect(r.errors).toHaveLength(1);
  });

  it("refuses an acknowledgement without a reason, with an error that says what and how to fix it", () => {
    for (const reason of ["", "   ", undefined as unknown as string]) {
      let thrown: unknown;
      annotate(sensitiveOutputs, (s) => {
        try {
          PolicyAcknowledgements.add(new TerraformOutput(s, "kubeconfig", { value: "x", sensitive: true }), [{ id: "AGK-SEC-001", reason }]);
        } catch (e) {
          thrown = e;
        }
      });
      expect(thrown).toBeInstanceOf(AcknowledgementError);
      expect((thrown as Error).message).toBe(
        `policy-test/kubeconfig: acknowledgement of AGK-SEC-001 has no reason (${JSON.stringify(reason)}). Fix: say why policy-test/kubeconfig may break AGK-SEC-001: the reason is printed with every finding it covers`,
      );
    }
  });

  it("refuses an id not shaped like a rule id, an empty list, and (at synth) an id no rule of the pack has", () => {
    expect(() => annotate(sensitiveOutputs, (s) => PolicyAcknowledgements.add(s, [{ id: "sensitive-outputs", reason: REASON }]))).toThrow(
      'policy-test: acknowledgement id "sensitive-outputs" is not a rule id',
    );
    expect(() => annotate(sensitiveOutputs, (s) => PolicyAcknowledgements.add(s, []))).toThrow(AcknowledgementError);
    expect(() => annotate(sensitiveOutputs, (s) => PolicyAcknowledgements.add(s, [{ id: "AGK-SEC-999", reason: REASON }]))).toThrow(
      new AcknowledgementError({
        path: "policy-test",
        message: "acknowledges AGK-SEC-999, which no policy rule has",
        fix: "name one of the rules (AGK-SEC-001), or remove the acknowledgement",
      }),
    );
  });
});
