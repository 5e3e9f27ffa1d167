import { TerraformOutput } from "cdktf";
import { SensitiveOutputs } from "../../../lib/aspects/sensitive-outputs";
import { violations } from "./harness";

describe("sensitive-outputs", () => {
  it("accepts credential outputs marked sensitive, and ordinary outputs", () => {
    expect(
      violations(new SensitiveOutputs(), (s) => {
        new TerraformOutput(s, "kubeconfig", { value: "x", sensitive: true });
        new TerraformOutput(s, "control_plane_ips", { value: ["10.0.0.1"] });
        new TerraformOutput(s, "kubeconfig_path", { value: "credentials/talos-east/kubeconfig" });
      }),
    ).toEqual([]);
  });

  it("refuses a credential output that is not sensitive", () => {
    expect(
      violations(new SensitiveOutputs(), (s) => {
        new TerraformOutput(s, "talosconfig", { value: "x" });
        new TerraformOutput(s, "ca_private_key", { value: "x", sensitive: false });
      }),
    ).toEqual([
      '[sensitive-outputs] policy-test/talosconfig: output "talosconfig" carries credentials but is not sensitive. Fix: pass sensitive: true to the TerraformOutput',
      '[sensitive-outputs] policy-test/ca_private_key: output "ca_private_key" carries credentials but is not sensitive. Fix: pass sensitive: true to the TerraformOutput',
    ]);
  });
});
