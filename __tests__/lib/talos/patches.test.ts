import * as fs from "fs";
import * as path from "path";
import Ajv2020 from "ajv/dist/2020";
import YAML from "yaml";
import { clusterEndpoint, clusterNodes } from "../../../stacks";
import { toPatchYaml } from "../../../lib/talos/patches";
import { PLATFORM } from "../../../lib/versions";
import { fixtureConfig } from "../../fixtures";
import { resolvedConfig, threeClusterConfig } from "../../helpers";

const INSTALLER = "factory.talos.dev/nocloud-installer/abc123:v1.12.4";

/** Talos' own config JSON Schema (pkg/machinery/config/schemas of the pinned Talos). */
const schema = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "schemas", "talos", `config-${PLATFORM.talos}.schema.json`), "utf8"));

/** A patch omits what the generated config already has, so `required` does not apply to its v1alpha1 document. */
function withoutRequired(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutRequired);
  if (node === null || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k]) => k !== "required")
      .map(([k, v]) => [k, withoutRequired(v)]),
  );
}

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
const validateDocument = ajv.compile(schema);
const { oneOf: _documents, ...partial } = withoutRequired(schema) as Record<string, unknown>;
const validatePartialV1alpha1 = ajv.compile({ ...partial, $id: `${schema.$id.replace(/\.json$/, "")}-partial-v1alpha1.json`, $ref: "#/$defs/v1alpha1.Config" });

function problems(yamlText: string): unknown[] {
  return YAML.parseAllDocuments(yamlText).flatMap((doc) => {
    const value = doc.toJS();
    const validate = "kind" in value ? validateDocument : validatePartialV1alpha1;
    return validate(value)
      ? []
      : (validate.errors ?? []).map((e) => ({ kind: value.kind ?? "v1alpha1", path: e.instancePath, message: e.message, params: e.params }));
  });
}

describe("Talos patches", () => {
  const mesh = resolvedConfig();
  const east = mesh.clusters[0];
  const patches = clusterNodes(east, mesh.proxmox).map((n) => ({ ...n, documents: n.patches(INSTALLER) }));
  const [cp1] = patches;
  const worker = patches.find((p) => p.role === "worker")!;

  it("validate against Talos' own config schema, for every node of every example cluster", () => {
    for (const config of [resolvedConfig(), threeClusterConfig(), fixtureConfig("two-hosts")]) {
      for (const cluster of config.clusters)
        for (const p of clusterNodes(cluster, config.proxmox).map((n) => ({ name: n.name, documents: n.patches(INSTALLER) })))
          expect({ node: p.name, problems: problems(toPatchYaml(p.documents)) }).toEqual({ node: p.name, problems: [] });
    }
  });

  it("the schema check can fail: a misspelt field is refused", () => {
    const bad = toPatchYaml(cp1.documents).replace("podSubnets", "podSubnet");
    expect(problems(bad)).toContainEqual(expect.objectContaining({ path: "/cluster/network", params: { additionalProperty: "podSubnet" } }));
    expect(problems("apiVersion: v1alpha1\nkind: HostnameConfig\nhostName: x\n")).not.toEqual([]);
    expect(problems("apiVersion: v1alpha1\nkind: Layer2VIPConfig\nlink: net0\n")).not.toEqual([]);
  });

  it("disable the CNI and kube-proxy and set the cluster's own ranges", () => {
    for (const p of patches) {
      const [v1] = p.documents as any[];
      expect(v1.cluster.network).toEqual({ cni: { name: "none" }, podSubnets: ["10.110.0.0/16"], serviceSubnets: ["10.210.0.0/16"] });
      expect(v1.cluster.proxy).toEqual({ disabled: true });
      expect(v1.machine.features.kubePrism).toEqual({ enabled: true, port: 7445 });
      // The OS disk by its serial (the VMs stack sets it), never /dev/sda (probe order).
      expect(v1.machine.install).toEqual({ disk: "/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_talos-os", image: INSTALLER });
      expect(v1.machine.kubelet.extraArgs).toEqual({ "rotate-server-certificates": "true" });
      expect(v1.machine.kubelet.nodeIP.validSubnets).toEqual(["10.10.0.0/24"]);
    }
  });

  it("give control planes the VIP, etcd's subnet and the API SANs; workers none of them", () => {
    expect(cp1.documents.map((d: any) => d.kind ?? "v1alpha1")).toEqual(["v1alpha1", "LinkAliasConfig", "HostnameConfig", "Layer2VIPConfig"]);
    expect(cp1.documents[3]).toEqual({ apiVersion: "v1alpha1", kind: "Layer2VIPConfig", name: "10.10.0.10", link: "net0" });
    expect((cp1.documents[0] as any).cluster.etcd).toEqual({ advertisedSubnets: ["10.10.0.0/24"] });
    // No bootstrap manifest: Talos creates those once and never updates them (the approver is a Helm release of the Cilium stack).
    for (const d of [cp1, worker]) expect((d.documents[0] as any).cluster.extraManifests).toBeUndefined();
    expect((cp1.documents[0] as any).cluster.apiServer.certSANs).toEqual(["10.10.0.10", "10.10.0.11", "10.10.0.12", "10.10.0.13"]);
    expect(worker.documents.map((d: any) => d.kind ?? "v1alpha1")).toEqual(["v1alpha1", "LinkAliasConfig", "HostnameConfig"]);
    expect((worker.documents[0] as any).cluster.etcd).toBeUndefined();
    // auto "off": Talos' generator sets auto: stable, and a config with both is refused.
    expect(worker.documents[2]).toEqual({ apiVersion: "v1alpha1", kind: "HostnameConfig", auto: "off", hostname: "talos-east-w-1" });
  });

  it("use the VIP as the endpoint, else the first control plane; schedule on control planes only without workers", () => {
    expect(clusterEndpoint(east)).toBe("https://10.10.0.10:6443");
    const three = threeClusterConfig();
    const edge = three.clusters[2];
    expect(clusterEndpoint(edge)).toBe("https://10.30.0.11:6443");
    const [edgeCp] = clusterNodes(edge, three.proxmox).map((n) => ({ documents: n.patches(INSTALLER) }));
    expect((edgeCp.documents[0] as any).cluster.allowSchedulingOnControlPlanes).toBe(true);
    expect(edgeCp.documents.some((d: any) => d.kind === "Layer2VIPConfig")).toBe(false);
    expect((cp1.documents[0] as any).cluster.allowSchedulingOnControlPlanes).toBeUndefined();
  });

  it("label nodes with the Proxmox CSI plugin's topology (region, zone = Proxmox node) only while the plugin is on", () => {
    const three = threeClusterConfig();
    const [edgeCp] = clusterNodes(three.clusters[2], three.proxmox).map((n) => n.patches(INSTALLER));
    expect((edgeCp[0] as any).machine.nodeLabels).toEqual({ "topology.kubernetes.io/region": "proxmox", "topology.kubernetes.io/zone": "pve3" });
    expect((cp1.documents[0] as any).machine.nodeLabels).toBeUndefined();
  });

  it("label each node with the region of the Proxmox API serving it, on a cluster spread over standalone hosts", () => {
    const two = fixtureConfig("two-hosts");
    const labels = two.clusters.flatMap((c) => clusterNodes(c, two.proxmox).map((n) => [n.name, (n.patches(INSTALLER)[0] as any).machine.nodeLabels]));
    expect(Object.fromEntries(labels)).toEqual({
      "red-cp-1": { "topology.kubernetes.io/region": "pve-a", "topology.kubernetes.io/zone": "pve-a" },
      "red-w-1": { "topology.kubernetes.io/region": "pve-b", "topology.kubernetes.io/zone": "pve-b" },
      "blue-cp-1": { "topology.kubernetes.io/region": "pve-b", "topology.kubernetes.io/zone": "pve-b" },
      "blue-w-1": { "topology.kubernetes.io/region": "pve-a", "topology.kubernetes.io/zone": "pve-a" },
    });
  });

  it("serialise as one multi-document YAML patch", () => {
    const text = toPatchYaml(cp1.documents);
    expect(YAML.parseAllDocuments(text).map((d) => d.toJS())).toEqual(cp1.documents);
    expect(text.split("\n---\n")).toHaveLength(4);
  });
});
