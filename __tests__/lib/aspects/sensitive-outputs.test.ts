import { TerraformOutput } from "cdktf";
import { sensitiveOutputs } from "../../../lib/aspects/sensitive-outputs";
import { annotate } from "./harness";

describe("AGK-SEC-001 sensitive-outputs", () => {
  it("accepts credential outputs marked sensitive, and ordinary outputs", () => {
    const r = annotate(sensitiveOutputs, (s) => {
      new TerraformOutput(s, "kubeconfig", { value: "x", sensitive: true });
      new TerraformOutput(s, "control_plane_ips", { value: ["10.0.0.1"] });
      new TerraformOutput(s, "kubeconfig_path", { value: "credentials/talos-east/kubeconfig" });
    });
    expect([r.errors, r.warnings, r.infos]).toEqual([[], [], []]);
  });

  it("refuses a credential output that is not sensitive, as an error", () => {
    const r = annotate(sensitiveOutputs, (s) => {
      new TerraformOutput(s, "talosconfig", { value: "x" });
      new TerraformOutput(s, "ca_private_key", { value: "x", sensitive: false });
    });
    expect(r.errors).toEqual([
      '[AGK-SEC-001 sensitive-outputs] policy-test/talosconfig: output "talosconfig" carries credentials but is not sensitive. Fix: pass sensitive: true to the TerraformOutput',
      '[AGK-SEC-001 sensitive-outputs] policy-test/ca_private_key: output "ca_private_key" carries credentials but is not sensitive. Fix: pass sensitive: true to the TerraformOutput',
    ]);
    expect(r.pack.failures.map((f) => [f.ruleId, f.level, f.path])).toEqual([
      ["AGK-SEC-001", "error", "policy-test/talosconfig"],
      ["AGK-SEC-001", "error", "policy-test/ca_private_key"],
    ]);
  });
});
