import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { noInsecure } from "../../../lib/aspects/no-insecure";
import { allowInsecureTls, NO_INSECURE_RULE_ID } from "../../../lib/insecure-tls";
import { annotate } from "./harness";

describe("AGK-SEC-002 no-insecure", () => {
  it("accepts providers that verify TLS", () => {
    const r = annotate(noInsecure, (s) => {
      new KubernetesProvider(s, "k8s", { host: "https://10.0.0.1:6443", insecure: false });
    });
    expect([r.errors, r.warnings, r.infos]).toEqual([[], [], []]);
  });

  it("refuses TLS verification turned off, as an error", () => {
    expect(
      annotate(noInsecure, (s) => {
        new KubernetesProvider(s, "k8s", { host: "https://10.0.0.1:6443", insecure: true });
      }).errors,
    ).toEqual([
      "[AGK-SEC-002 no-insecure] policy-test/k8s: provider.kubernetes[0].insecure is true: TLS verification is off. Fix: leave TLS verification on (give the endpoint a trusted certificate), or turn it off explicitly in the mesh config",
    ]);
  });

  it("reports it as acknowledged info where the config turned it off for the stack (allowInsecureTls)", () => {
    const r = annotate(noInsecure, (s) => {
      allowInsecureTls(s);
      new KubernetesProvider(s, "k8s", { host: "https://10.0.0.1:6443", insecure: true });
    });
    expect(r.errors).toEqual([]);
    expect(r.infos).toEqual([
      "[AGK-SEC-002 no-insecure] policy-test/k8s: provider.kubernetes[0].insecure is true: TLS verification is off; acknowledged on policy-test: the mesh config turns TLS verification of this stack's API off (insecure: true)",
    ]);
  });

  it("is the rule allowInsecureTls acknowledges", () => {
    expect(NO_INSECURE_RULE_ID).toBe(noInsecure.id);
  });
});
