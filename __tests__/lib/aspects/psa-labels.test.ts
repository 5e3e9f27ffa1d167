import { Release } from "@cdktf/provider-helm/lib/release";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { psaLabels } from "../../../lib/aspects/psa-labels";
import { PSA_ENFORCE_LABEL } from "../../../lib/kubernetes/pod-security-namespace";
import { annotate } from "./harness";

describe("AGK-K8S-001 psa-labels", () => {
  it("accepts labelled namespaces and releases that do not create namespaces", () => {
    const r = annotate(psaLabels, (s) => {
      new NamespaceV1(s, "ns", { metadata: { name: "rook-ceph", labels: { [PSA_ENFORCE_LABEL]: "privileged" } } });
      new Release(s, "rook", { name: "rook-ceph", chart: "rook-ceph", namespace: "rook-ceph" });
    });
    expect([r.errors, r.warnings, r.infos]).toEqual([[], [], []]);
  });

  it("refuses an unlabelled namespace and a release that creates its namespace, as errors", () => {
    expect(
      annotate(psaLabels, (s) => {
        new NamespaceV1(s, "ns", { metadata: { name: "kubescape" } });
        new Release(s, "ks", { name: "kubescape", chart: "kubescape-operator", namespace: "kubescape", createNamespace: true });
      }).errors,
    ).toEqual([
      "[AGK-K8S-001 psa-labels] policy-test/ns: namespace has no pod-security.kubernetes.io/enforce label. Fix: create it with the PodSecurityNamespace construct, which sets the level",
      "[AGK-K8S-001 psa-labels] policy-test/ks: helm_release creates its own namespace, which then has no Pod Security label. Fix: create the namespace with PodSecurityNamespace and set createNamespace: false",
    ]);
  });
});
