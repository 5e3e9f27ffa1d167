import { Testing } from "cdktf";
import { DataTalosClusterHealth } from "../../.gen/providers/talos/data-talos-cluster-health";
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
    expect(Object.keys(east.provider).sort()).toEqual(["helm", "talos"]);
    expect(Object.keys(east.terraform.required_providers).sort()).toEqual(["helm", "talos"]);
  });

  it("is done only when Talos' full health check passes after the release (nodes Ready need the CNI)", () => {
    expect(Testing.synth(stacks[0])).toHaveDataSourceWithProperties(DataTalosClusterHealth, { skip_kubernetes_checks: false });
    const [gate] = Object.values(east.data.talos_cluster_health) as any[];
    expect(gate.skip_kubernetes_checks).toBe(false);
    expect(gate.depends_on).toEqual([expect.stringMatching(/^helm_release\.cilium_release_/)]);
    expect(gate.control_plane_nodes).toEqual(["10.10.0.11", "10.10.0.12", "10.10.0.13"]);
    expect(gate.worker_nodes).toEqual(["10.10.0.21", "10.10.0.22", "10.10.0.23"]);
    expect(gate.client_configuration.client_key).toMatch(/cross-stack-reference-input-talos-east-talos/);
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
  it("synthesizes no gate and no talos provider, for the mesh or one cluster", () => {
    const off = buildCilium(resolvedConfig((c) => (c.healthGates = false))).stacks.map((s) => Testing.synth(s));
    for (const synth of off) {
      expect(synth).not.toHaveDataSource(DataTalosClusterHealth);
      expect(Object.keys(parse(synth).provider)).toEqual(["helm"]);
      expect(synth).not.toMatch(/talos_machine_secrets/);
    }
    const one = buildCilium(resolvedConfig((c) => (c.clusters[0].healthGates = false))).stacks.map((s) => Testing.synth(s));
    expect(one[0]).not.toHaveDataSource(DataTalosClusterHealth);
    expect(one[1]).toHaveDataSource(DataTalosClusterHealth);
  });
});
