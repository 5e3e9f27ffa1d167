import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { policyRules } from "../../../lib/aspects";
import { PolicyPack } from "../../../lib/aspects/rule";
import { violations } from "./harness";

// Built at run time so this file itself holds no secret-shaped literal.
const PEM_KEY = ["-----BEGIN", "RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----"].join(" ");

describe("the policy pack", () => {
  it("reports every rule's violations of one construct", () => {
    expect(
      violations(new PolicyPack(policyRules()), (s) => {
        new KubernetesProvider(s, "k8s", { host: "https://10.0.0.1:6443", insecure: true, clientKey: PEM_KEY });
      }),
    ).toEqual([
      expect.stringMatching(/^\[no-insecure\] policy-test\/k8s: /),
      expect.stringMatching(/^\[no-literal-secrets\] policy-test\/k8s: provider\.kubernetes\[0\]\.client_key holds a PEM private key/),
    ]);
  });

  it("resolves each construct once for all its rules", () => {
    let calls = 0;
    violations(new PolicyPack(policyRules()), (s) => {
      const provider = new KubernetesProvider(s, "k8s", { host: "https://10.0.0.1:6443" });
      const toTerraform = provider.toTerraform.bind(provider);
      provider.toTerraform = () => (calls++, toTerraform());
    });
    expect(calls).toBe(1);
  });
});
