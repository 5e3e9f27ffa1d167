// The charts kept in this repository (charts/): what each holds, checked
// against its pin and its values contract. Rendering them with helm, and the
// Cilium objects against Cilium's CRDs, is the chart proof's (proofs/chart.ts).
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import YAML from "yaml";
import { lbIpam, lbIpamChartValues } from "../../lib/cilium/lb-ipam";
import { chartsDir } from "../../lib/helm/local-chart";
import { CRDS, MANIFESTS } from "../../lib/versions";
import { resolvedConfig, threeClusterConfig } from "../helpers";

const root = path.join(__dirname, "..", "..");

it("finds charts/ from the source tree", () => {
  expect(chartsDir()).toBe(path.join(root, "charts"));
});

describe("gateway-api-crds", () => {
  const dir = path.join(root, "charts", CRDS.gatewayApi.chart);
  const chart = YAML.parse(fs.readFileSync(path.join(dir, "Chart.yaml"), "utf8"));
  const templates = fs.readdirSync(path.join(dir, "templates"));
  const docs = templates.map((f) => YAML.parse(fs.readFileSync(path.join(dir, "templates", f), "utf8")));

  it("is the pinned Gateway API version, as templates (upgraded with the release), never crds/ (installed once)", () => {
    expect(chart.version).toBe(CRDS.gatewayApi.version.replace(/^v/, ""));
    expect(chart.appVersion).toBe(CRDS.gatewayApi.version);
    expect(fs.existsSync(path.join(dir, "crds"))).toBe(false);
  });

  it("holds the standard channel's CRDs, each of the pinned bundle, among them the five Cilium requires", () => {
    for (const d of docs) {
      expect(d.kind).toBe("CustomResourceDefinition");
      expect(d.metadata.annotations["gateway.networking.k8s.io/bundle-version"]).toBe(CRDS.gatewayApi.version);
      expect(d.metadata.annotations["gateway.networking.k8s.io/channel"]).toBe("standard");
    }
    // Documentation/network/servicemesh/gateway-api/installation.rst of Cilium 1.19.6.
    expect(docs.map((d) => d.metadata.name)).toEqual(
      expect.arrayContaining([
        "gatewayclasses.gateway.networking.k8s.io",
        "gateways.gateway.networking.k8s.io",
        "httproutes.gateway.networking.k8s.io",
        "referencegrants.gateway.networking.k8s.io",
        "grpcroutes.gateway.networking.k8s.io",
      ]),
    );
  });

  it("has no template syntax in the vendored files (Helm would evaluate it)", () => {
    for (const f of templates) expect(fs.readFileSync(path.join(dir, "templates", f), "utf8")).not.toContain("{{");
  });
});

describe("cilium-lb-ipam", () => {
  const dir = path.join(root, "charts", "cilium-lb-ipam");
  const schema = JSON.parse(fs.readFileSync(path.join(dir, "values.schema.json"), "utf8"));
  const ajv = new Ajv({ strict: false, allErrors: true, formats: { ipv4: /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/ } });
  const validate = ajv.compile(schema);

  it("accepts the values aggrik8s gives it, for L2, BGP and a LoadBalancer clustermesh-apiserver", () => {
    const three = threeClusterConfig();
    const all = [
      ...three.clusters.map((c) => lbIpamChartValues(c.name, lbIpam(c)!)),
      lbIpamChartValues("talos-east", lbIpam(resolvedConfig().clusters[0])!, { ip: "10.10.0.201" }),
    ];
    for (const v of all) expect(validate(v) ? [] : validate.errors).toEqual([]);
  });

  it("refuses values it does not know (the schema can fail)", () => {
    const v = lbIpamChartValues("talos-east", lbIpam(resolvedConfig().clusters[0])!);
    expect(validate({ ...v, pools: [] })).toBe(false);
    expect(validate({ ...v, pool: { blocks: [{ start: "not-an-ip", stop: "10.10.0.219" }] } })).toBe(false);
  });
});

describe("kubelet-serving-cert-approver", () => {
  const pin = MANIFESTS.kubeletServingCertApprover;
  const dir = path.join(root, "charts", pin.chart);
  const chart = YAML.parse(fs.readFileSync(path.join(dir, "Chart.yaml"), "utf8"));

  it("holds the upstream manifest unedited: its git object id is the one of the file at the pinned tag", () => {
    const body = fs.readFileSync(path.join(root, pin.path));
    const blob = createHash("sha1").update(`blob ${body.length}\0`).update(body).digest("hex");
    expect(blob).toBe(pin.blob);
    expect(path.relative(dir, path.join(root, pin.path))).toBe("upstream/standalone-install.yaml");
    expect(pin.url).toBe(`https://raw.githubusercontent.com/alex1989hu/kubelet-serving-cert-approver/${pin.version}/deploy/standalone-install.yaml`);
  });

  it("is versioned as the pinned tag, and the manifest's image is that tag", () => {
    expect(chart.version).toBe(pin.version.replace(/^v/, ""));
    expect(chart.appVersion).toBe(pin.version.replace(/^v/, ""));
    expect(fs.readFileSync(path.join(root, pin.path), "utf8")).toContain(`image: ghcr.io/alex1989hu/kubelet-serving-cert-approver:${chart.appVersion}`);
  });

  it("lays the overlay over the upstream objects in its template, never over a copy of them", () => {
    const template = fs.readFileSync(path.join(dir, "templates", "approver.yaml"), "utf8");
    expect(template).toContain('$.Files.Get "upstream/standalone-install.yaml"');
    expect(template).toMatch(/set \$spec "hostNetwork" true/);
    expect(template).toContain('"node.kubernetes.io/not-ready" "operator" "Exists"');
    expect(YAML.parse(fs.readFileSync(path.join(dir, "values.yaml"), "utf8"))).toEqual({ kubernetesServiceHost: "localhost", kubernetesServicePort: 7445 });
  });
});
