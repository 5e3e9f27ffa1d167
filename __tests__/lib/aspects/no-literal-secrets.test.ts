import { TerraformVariable } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { noLiteralSecrets } from "../../../lib/aspects/no-literal-secrets";
import { annotate } from "./harness";

// Built at run time so this file itself holds no secret-shaped literal.
const PEM_KEY = ["-----BEGIN", "RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----"].join(" ");
const PVE_TOKEN = ["root@pam!ci", "=", "0123abcd-0000-4000-8000-00000000beef"].join("");

describe("AGK-SEC-003 no-literal-secrets", () => {
  it("accepts secrets that come from variables", () => {
    const r = annotate(noLiteralSecrets, (s) => {
      const key = new TerraformVariable(s, "client_key", { type: "string", sensitive: true });
      new KubernetesProvider(s, "k8s", { host: "https://10.0.0.1:6443", clientKey: key.stringValue });
    });
    expect([r.errors, r.warnings, r.infos]).toEqual([[], [], []]);
  });

  it("refuses a literal private key and a literal Proxmox token, as errors", () => {
    expect(
      annotate(noLiteralSecrets, (s) => {
        new KubernetesProvider(s, "k8s", { host: "https://10.0.0.1:6443", clientKey: PEM_KEY, token: PVE_TOKEN });
      }).errors,
    ).toEqual([
      "[AGK-SEC-003 no-literal-secrets] policy-test/k8s: provider.kubernetes[0].client_key holds a PEM private key as a literal. Fix: reference the secret from the config ({env: NAME} or {doppler: NAME}) instead of writing it in code",
      "[AGK-SEC-003 no-literal-secrets] policy-test/k8s: provider.kubernetes[0].token holds a Proxmox API token as a literal. Fix: reference the secret from the config ({env: NAME} or {doppler: NAME}) instead of writing it in code",
    ]);
  });
});
