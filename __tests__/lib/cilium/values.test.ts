import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import YAML from "yaml";
import { meshPeers } from "../../../stacks";
import { ciliumValues } from "../../../lib/cilium/values";
import { CHARTS } from "../../../lib/versions";
import { resolvedConfig, threeClusterConfig } from "../../helpers";

/** The real values.schema.json of a Cilium chart version (copied from the packaged chart). */
function chartSchema(version: string): any {
  return JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "schemas", "charts", `cilium-${version}.values.schema.json`), "utf8"));
}

/**
 * Key paths of `values` that the chart schema does not declare. The schema
 * allows unknown keys, so this is what catches a misspelt key. Free-form
 * objects (type object with no properties) accept anything below them.
 */
function undeclaredPaths(values: unknown, schema: any, at = ""): string[] {
  if (values === null || typeof values !== "object" || Array.isArray(values)) return [];
  if (!schema?.properties) return [];
  return Object.entries(values).flatMap(([k, v]) => {
    const p = at ? `${at}.${k}` : k;
    const child = schema.properties[k];
    return child === undefined ? [p] : undeclaredPaths(v, child, p);
  });
}

// Keys the chart reads and documents in values.yaml (commented out there), but its schema omits.
const DOCUMENTED_NOT_IN_SCHEMA: string[] = [];

const config = resolvedConfig();
const eastFor = (chartVersion: string) =>
  ciliumValues({
    clusterName: "talos-east",
    clusterId: 1,
    hubble: true,
    chartVersion,
    apiserverNodePort: 32379,
    apiserverReplicas: 2,
    peers: meshPeers(config, "talos-east"),
  });
const east = eastFor(CHARTS.cilium.version);

describe.each(["1.19.6", "1.20.0"])("Cilium values against the chart %s schema", (version) => {
  const schema = chartSchema(version);
  const east = eastFor(version);

  it("declare every key we set", () => {
    expect(undeclaredPaths(east, schema).filter((p) => !DOCUMENTED_NOT_IN_SCHEMA.includes(p))).toEqual([]);
  });

  it("have the types the chart expects", () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    expect(validate(east) ? [] : validate.errors).toEqual([]);
  });

  it("keep the chart's own capability lists, less SYS_MODULE (Talos forbids it)", () => {
    const defaults = YAML.parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "schemas", "charts", `cilium-${version}.values.yaml`), "utf8"))
      .securityContext.capabilities;
    const lessSysModule = (l: string[]) => l.filter((c) => c !== "SYS_MODULE");
    expect(east.securityContext.capabilities.ciliumAgent).toEqual(lessSysModule(defaults.ciliumAgent));
    expect(east.securityContext.capabilities.cleanCiliumState).toEqual(lessSysModule(defaults.cleanCiliumState));
  });

  it("the key check catches a misspelt key (it can fail)", () => {
    expect(undeclaredPaths({ ...east, kubeProxyReplacment: true }, schema)).toContain("kubeProxyReplacment");
  });
});

it("the pinned Cilium chart has a committed schema", () => {
  expect(fs.existsSync(path.join(__dirname, "..", "..", "..", "schemas", "charts", `cilium-${CHARTS.cilium.version}.values.schema.json`))).toBe(true);
});

describe("Cilium values for ClusterMesh TLS", () => {
  it("turn the chart's certificate generation off: the certificates come from mesh-ca as secrets", () => {
    expect(east.clustermesh.apiserver.tls).toEqual({ authMode: "cluster", auto: { enabled: false }, enableSecrets: false });
  });

  it("turn 1.19's deprecated tls-provided templates off, and set nothing 1.20 lacks", () => {
    expect(eastFor("1.19.6").clustermesh.apiserver.tls.enableSecrets).toBe(false);
    expect(eastFor("1.20.0").clustermesh.apiserver.tls).toEqual({ authMode: "cluster", auto: { enabled: false } });
  });
});

describe("Cilium values for Talos", () => {
  it("use Talos' settings: no kube-proxy, KubePrism, cgroup v2 host mount, Talos-safe capabilities", () => {
    expect(east).toMatchObject({
      ipam: { mode: "kubernetes" },
      kubeProxyReplacement: true,
      k8sServiceHost: "localhost",
      k8sServicePort: 7445,
      cgroup: { autoMount: { enabled: false }, hostRoot: "/sys/fs/cgroup" },
    });
    expect(east.securityContext.capabilities.ciliumAgent).not.toContain("SYS_MODULE");
    expect(east.securityContext.capabilities.cleanCiliumState).toEqual(["NET_ADMIN", "SYS_ADMIN", "SYS_RESOURCE"]);
  });

  it("carry the cluster's own name and id and the apiserver exposure, and no CA of any kind", () => {
    expect(east.cluster).toEqual({ name: "talos-east", id: 1 });
    expect(east).not.toHaveProperty("tls");
    expect(east.clustermesh).toMatchObject({ useAPIServer: true, maxConnectedClusters: 255, apiserver: { service: { type: "NodePort", nodePort: 32379 } } });
  });

  it("list the other cluster as the only peer, at all its node IPs and its NodePort", () => {
    expect(east.clustermesh.config).toEqual({
      enabled: true,
      clusters: [{ name: "talos-west", port: 32380, ips: ["10.20.0.11", "10.20.0.12", "10.20.0.13", "10.20.0.21", "10.20.0.22", "10.20.0.23"] }],
    });
  });

  it("mesh three clusters with each other", () => {
    const three = threeClusterConfig();
    const peersOf = (name: string) => meshPeers(three, name).map((p) => p.name);
    expect(peersOf("talos-east")).toEqual(["talos-west", "talos-edge"]);
    expect(peersOf("talos-west")).toEqual(["talos-east", "talos-edge"]);
    expect(peersOf("talos-edge")).toEqual(["talos-east", "talos-west"]);
    expect(meshPeers(three, "talos-east").find((p) => p.name === "talos-edge")).toEqual({ name: "talos-edge", ips: ["10.30.0.11"], port: 32381 });
  });

  it("drop a cluster removed from the config from every peer list on the next deploy", () => {
    const withoutWest = resolvedConfig((c) => {
      c.clusters.pop();
    });
    expect(meshPeers(withoutWest, "talos-east")).toEqual([]);
  });
});
