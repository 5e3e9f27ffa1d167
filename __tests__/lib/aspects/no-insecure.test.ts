import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { NoInsecure } from "../../../lib/aspects/no-insecure";
import { ALLOW_INSECURE_CONTEXT } from "../../../lib/insecure-tls";
import { violations } from "./harness";

describe("no-insecure", () => {
  it("accepts providers that verify TLS", () => {
    expect(
      violations(new NoInsecure(), (s) => {
        new KubernetesProvider(s, "k8s", { host: "https://10.0.0.1:6443", insecure: false });
      }),
    ).toEqual([]);
  });

  it("refuses TLS verification turned off", () => {
    expect(
      violations(new NoInsecure(), (s) => {
        new KubernetesProvider(s, "k8s", { host: "https://10.0.0.1:6443", insecure: true });
      }),
    ).toEqual([
      "[no-insecure] policy-test/k8s: provider.kubernetes[0].insecure is true: TLS verification is off. Fix: leave TLS verification on (give the endpoint a trusted certificate), or turn it off explicitly in the mesh config",
    ]);
  });

  it("accepts it where the config turned it off explicitly", () => {
    expect(
      violations(new NoInsecure(), (s) => {
        s.node.setContext(ALLOW_INSECURE_CONTEXT, true);
        new KubernetesProvider(s, "k8s", { host: "https://10.0.0.1:6443", insecure: true });
      }),
    ).toEqual([]);
  });
});
