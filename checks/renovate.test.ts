// Renovate's regex managers must see every pin in versions.json: a pin they
// miss would never be bumped.
import * as fs from "fs";
import * as path from "path";
import pins from "../versions.json";

const root = path.join(__dirname, "..");
const renovate = JSON.parse(fs.readFileSync(path.join(root, "renovate.json"), "utf8"));
const text = fs.readFileSync(path.join(root, "versions.json"), "utf8");
const matches = (description: string) => {
  const manager = renovate.customManagers.find((m: { description: string }) => m.description.startsWith(description));
  return [...text.matchAll(new RegExp(manager.matchStrings[0], "g"))].map((m) => m.groups!);
};

it("sees every provider pin, with its source and version", () => {
  expect(matches("Terraform providers")).toEqual(
    Object.values(pins.providers).map((p) => expect.objectContaining({ depName: p.source, currentValue: p.version })),
  );
});

it("sees every chart pin, with its repository (OCI ones as OCI artifacts)", () => {
  const charts = Object.values(pins.charts);
  const oci = (c: { repository: string }) => c.repository.startsWith("oci://");
  expect(charts.filter(oci).length).toBeGreaterThan(0);
  expect(matches("Helm charts")).toEqual(charts.filter((c) => !oci(c)).map((c) => ({ registryUrl: c.repository, depName: c.chart, currentValue: c.version })));
  expect(matches("OCI Helm charts")).toEqual(
    charts.filter(oci).map((c) => ({ registry: c.repository.slice("oci://".length), chart: c.chart, currentValue: c.version })),
  );
});

it("sees every vendored chart's release tag", () => {
  expect(matches("Vendored charts")).toEqual(
    Object.values(pins.vendoredCharts).flatMap((c) => (typeof c === "object" ? [{ depName: c.github, currentValue: c.version }] : [])),
  );
});

it("sees the Talos, Kubernetes and Cilium versions, once each", () => {
  expect(matches("Talos")).toEqual([{ currentValue: pins.platform.talos }]);
  expect(matches("Kubernetes")).toEqual([{ currentValue: pins.platform.kubernetes }]);
  expect(matches("Cilium")).toEqual([{ currentValue: pins.platform.cilium }]);
});

it("sees the Go-built engine and tools, and the manifest Talos applies", () => {
  const go = matches("Go-built tools").map((m) => m.depName);
  expect(go).toEqual(
    expect.arrayContaining([
      pins.engine.opentofu.go.module,
      pins.tools.actionlint.module,
      pins.tools.helm.module,
      ...Object.values(pins.kit).flatMap((k) => (typeof k === "object" ? [k.module] : [])),
    ]),
  );
  expect(matches("Manifests")).toEqual([
    { currentValue: pins.manifests.kubeletServingCertApprover.version, depName: "alex1989hu/kubelet-serving-cert-approver" },
  ]);
});

it("sees the Gateway API CRD version, in the platform group", () => {
  expect(matches("Gateway API CRDs")).toEqual([{ currentValue: pins.crds.gatewayApi.version }]);
  expect(renovate.packageRules.find((r: { groupName?: string }) => r.groupName === "platform versions").matchDepNames).toContain("kubernetes-sigs/gateway-api");
});

it("sees every container image pin, with its repository and tag", () => {
  expect(matches("Container images")).toEqual(
    Object.values(pins.images).flatMap((i) => (typeof i === "object" ? [{ depName: i.repository, currentValue: i.tag }] : [])),
  );
});

it("covers every section of versions.json that pins something", () => {
  expect(
    Object.keys(pins)
      .filter((k) => !k.startsWith("$"))
      .sort(),
  ).toEqual(["charts", "crds", "engine", "images", "kit", "manifests", "platform", "providers", "tools", "vendoredCharts"]);
});
