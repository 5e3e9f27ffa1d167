import { Testing } from "cdktf";
import { Cluster } from "../../.gen/providers/talos/cluster";
import { MeshConfig } from "../../lib/config/schema";
import { meshApp, parse, resolvedConfig, threeClusterConfig } from "../helpers";

function buildCilium(config: MeshConfig) {
  const { app, stacks } = meshApp(config);
  return { app, meshCa: stacks.meshCa, stacks: stacks.clusters.map((c) => c.cilium) };
}

const releaseOf = (json: any) => Object.values(json.resource.helm_release)[0] as any;

describe("cilium stack", () => {
  const config = resolvedConfig();
  const { stacks, meshCa } = buildCilium(config);
  const [east, west] = stacks.map((s) => parse(Testing.synth(s)));

  it("matches the snapshot", () => {
    expect(Testing.synth(stacks[0])).toMatchSnapshot();
  });

  it("is named <cluster>-cilium and depends on the Talos and mesh-ca stacks", () => {
    expect(stacks.map((s) => s.node.id)).toEqual(["talos-east-cilium", "talos-west-cilium"]);
    expect(stacks[0].dependencies.map((d) => d.node.id).sort()).toEqual(["mesh-ca", "talos-east-talos"]);
  });

  it("configures helm from the Talos stack's outputs, TLS verified, and no unused kubernetes provider", () => {
    const remote = (attr: string) =>
      expect.stringMatching(
        new RegExp(
          `^\\$\\{${attr === "host" ? "" : "base64decode\\("}data\\.terraform_remote_state\\.cross-stack-reference-input-talos-east-talos\\.outputs\\.cross-stack-output-talos_cluster_kubeconfigcluster_kubeconfig_[0-9A-F]+kubernetes_client_configuration${attr}${attr === "host" ? "" : "\\)"}\\}$`,
        ),
      );
    const tls = {
      host: remote("host"),
      cluster_ca_certificate: remote("ca_certificate"),
      client_certificate: remote("client_certificate"),
      client_key: remote("client_key"),
    };
    expect(east.provider.helm[0]).toEqual({ kubernetes: tls });
    expect(Object.keys(east.provider).sort()).toEqual(["helm", "null", "talos"]);
    expect(Object.keys(east.terraform.required_providers).sort()).toEqual(["helm", "null", "talos"]);
  });

  it("takes the cluster into talos_cluster after the CNI: Talos' boot checks at create, upgrade-k8s on a version change", () => {
    expect(Testing.synth(stacks[0])).toHaveResourceWithProperties(Cluster, {
      node: "10.10.0.11",
      endpoint: "10.10.0.11",
      control_plane_nodes: ["10.10.0.11", "10.10.0.12", "10.10.0.13"],
      kubernetes_version: "1.35.10",
      timeouts: { create: "30m", update: "60m" },
    });
    const [cluster] = Object.values(east.resource.talos_cluster) as any[];
    expect(cluster.depends_on).toEqual([expect.stringMatching(/^helm_release\.cilium_release_/)]);
    expect(cluster).not.toHaveProperty("client_configuration");
    expect(cluster.client_configuration_wo.client_key).toMatch(/cross-stack-reference-input-talos-east-talos/);
  });

  it("is done when every node is Ready and DNS is served, checked at apply (no data source at plan)", () => {
    expect(east.data?.talos_cluster_health).toBeUndefined();
    const [gate] = Object.values(east.resource.null_resource) as any[];
    const exec = gate.provisioner[0]["local-exec"];
    expect(exec.command).toBe("node ../../../scripts/gate.js nodes-dns");
    expect(exec.environment.GATE_NODES).toBe("talos-east-cp-1,talos-east-cp-2,talos-east-cp-3,talos-east-w-1,talos-east-w-2,talos-east-w-3");
    expect(gate.depends_on).toEqual([expect.stringMatching(/^helm_release\.cilium_release_/), expect.stringMatching(/^talos_cluster\./)]);
    expect(gate.triggers).toMatchObject({ check: "nodes-dns", kubernetes: "1.35.10" });
  });

  it("a Kubernetes bump changes talos_cluster's kubernetes_version and nothing else of the Talos layer", () => {
    const bumped = parse(Testing.synth(buildCilium(resolvedConfig((c) => (c.versions = { ...c.versions, kubernetes: "1.35.9" }))).stacks[0]));
    const cluster = (json: any) => Object.values(json.resource.talos_cluster)[0] as any;
    expect([cluster(east).kubernetes_version, cluster(bumped).kubernetes_version]).toEqual(["1.35.10", "1.35.9"]);
    expect({ ...cluster(bumped), kubernetes_version: "" }).toEqual({ ...cluster(east), kubernetes_version: "" });
    expect(bumped.resource.helm_release).toEqual(east.resource.helm_release);
  });

  it("installs the pinned Cilium chart into kube-system, waiting for it", () => {
    expect(releaseOf(east)).toMatchObject({
      name: "cilium",
      chart: "cilium",
      repository: "https://helm.cilium.io/",
      version: config.versions.cilium,
      namespace: "kube-system",
      create_namespace: false,
      wait: true,
      atomic: true,
    });
  });

  it("gives each cluster its own name and id and lists the other as a peer", () => {
    const values = (json: any) => JSON.parse(releaseOf(json).values[0]);
    expect(values(east).cluster).toEqual({ name: "talos-east", id: 1 });
    expect(values(west).cluster).toEqual({ name: "talos-west", id: 2 });
    expect(values(east).clustermesh.config.clusters.map((c: any) => [c.name, c.port])).toEqual([["talos-west", 32380]]);
    expect(values(west).clustermesh.config.clusters.map((c: any) => [c.name, c.port])).toEqual([["talos-east", 32379]]);
    expect(values(east).clustermesh.apiserver.service).toEqual({ type: "NodePort", nodePort: 32379 });
    // Two apiserver replicas with workers to run them; per-cluster etcd users under the shared CA.
    expect(values(east).clustermesh.apiserver.replicas).toBe(2);
    expect(values(east).clustermesh.apiserver.tls.authMode).toBe("cluster");
  });

  it("uses the same mesh CA in both clusters, the key only as a sensitive value", () => {
    const caCert = (json: any) => JSON.parse(releaseOf(json).values[0]).tls.ca.cert;
    expect(caCert(east)).toBe(
      "${base64encode(data.terraform_remote_state.cross-stack-reference-input-mesh-ca.outputs.cross-stack-output-tls_self_signed_certca_cert_ACFAC989cert_pem)}",
    );
    expect(caCert(west)).toBe(caCert(east));
    const key = (json: any) => releaseOf(json).set_sensitive;
    expect(key(east)).toEqual([
      {
        name: "tls.ca.key",
        value: expect.stringMatching(
          /^\$\{base64encode\(data\.terraform_remote_state\.cross-stack-reference-input-mesh-ca\.outputs\.cross-stack-output-tls_private_keyca_key_[0-9A-F]+private_key_pem\)\}$/,
        ),
      },
    ]);
    expect(key(west)).toEqual(key(east));
    expect(JSON.stringify(releaseOf(east).values)).not.toContain("private_key");
  });

  it("exports the CA key from mesh-ca only as a sensitive output", () => {
    const ca = parse(Testing.synth(meshCa));
    const keyOutputs = Object.entries(ca.output).filter(([, o]: [string, any]) => /private_key_pem/.test(o.value));
    expect(keyOutputs).toHaveLength(1);
    expect((keyOutputs[0][1] as any).sensitive).toBe(true);
  });

  it("runs one clustermesh-apiserver on a cluster without two workers", () => {
    const edge = buildCilium(threeClusterConfig()).stacks[2];
    expect(JSON.parse(releaseOf(parse(Testing.synth(edge))).values[0]).clustermesh.apiserver.replicas).toBe(1);
  });

  it("meshes all three clusters of the three-cluster example", () => {
    const three = buildCilium(threeClusterConfig()).stacks.map((s) => JSON.parse(releaseOf(parse(Testing.synth(s))).values[0]));
    expect(three.map((v) => [v.cluster.name, v.clustermesh.config.clusters.map((c: any) => c.name)])).toEqual([
      ["talos-east", ["talos-edge", "talos-west"]],
      ["talos-west", ["talos-east", "talos-edge"]],
      ["talos-edge", ["talos-east", "talos-west"]],
    ]);
  });
});

describe("cilium stack with the health gates off (repair)", () => {
  it("synthesizes no gate, talos_cluster included (it waits on Talos checks), for the mesh or one cluster", () => {
    const off = buildCilium(resolvedConfig((c) => (c.healthGates = false))).stacks.map((s) => parse(Testing.synth(s)));
    for (const json of off) {
      expect(json.resource.null_resource).toBeUndefined();
      // talos_cluster waits on Talos' cluster checks at create and at every Kubernetes upgrade: a gate too.
      expect(Object.keys(json.provider).sort()).toEqual(["helm"]);
      expect(json.resource.talos_cluster).toBeUndefined();
    }
    const one = buildCilium(resolvedConfig((c) => (c.clusters[0].healthGates = false))).stacks.map((s) => parse(Testing.synth(s)));
    expect(one[0].resource.null_resource).toBeUndefined();
    expect(Object.keys(one[1].resource.null_resource)).toHaveLength(1);
    expect(one[0].resource.talos_cluster).toBeUndefined();
    expect(Object.keys(one[1].resource.talos_cluster)).toHaveLength(1);
  });
});
