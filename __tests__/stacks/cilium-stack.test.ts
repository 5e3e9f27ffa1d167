import { Testing } from "cdktf";
import { Cluster } from "../../.gen/providers/talos/cluster";
import { MeshConfig } from "../../lib/config/schema";
import { AGENT_VERSION_PATTERN } from "../../lib/guards/cilium-version";
import { ciliumJumpRefusal } from "../../lib/guards/refusals";
import { fixture } from "../fixtures";
import { meshApp, parse, resolvedConfig } from "../helpers";

function buildCilium(config: MeshConfig) {
  const { app, stacks } = meshApp(config);
  return { app, meshCa: stacks.meshCa, stacks: stacks.clusters.map((c) => c.cilium) };
}

const releaseNamed = (json: any, name: string) => Object.values(json.resource.helm_release).find((r: any) => r.name === name) as any;
const releaseOf = (json: any) => releaseNamed(json, "cilium");
const idOf = (json: any, name: string) => `helm_release.${Object.entries(json.resource.helm_release).find(([, r]: [string, any]) => r.name === name)![0]}`;

/** The Cilium stacks of a fixture synthesis (fixtures.ts: one per run), parsed, in cluster order. */
const ciliumOf = (name: "default" | "three-clusters") =>
  fixture(name)
    .stacks.filter((s) => s.kind === "cilium")
    .map((s) => fixture(name).json(s.name));

describe("cilium stack", () => {
  const config = resolvedConfig();
  const stacks = fixture("default").stacks.filter((s) => s.kind === "cilium");
  const [east, west] = ciliumOf("default");

  it("matches the snapshot", () => {
    expect(stacks[0].synth).toMatchSnapshot();
  });

  it("is named <cluster>-cilium and depends on the Talos and mesh-ca stacks", () => {
    expect(stacks.map((s) => s.name)).toEqual(["talos-east-cilium", "talos-west-cilium"]);
    expect([...stacks[0].dependencies].sort()).toEqual(["mesh-ca", "talos-east-talos"]);
  });

  it("configures helm and kubernetes from the Talos stack's outputs, TLS verified", () => {
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
    expect(east.provider.kubernetes[0]).toEqual(tls);
    expect(Object.keys(east.provider).sort()).toEqual(["helm", "kubernetes", "null", "talos"]);
    expect(Object.keys(east.terraform.required_providers).sort()).toEqual(["helm", "kubernetes", "null", "talos"]);
  });

  it("takes the cluster into talos_cluster after the CNI: Talos' boot checks at create, upgrade-k8s on a version change", () => {
    expect(stacks[0].synth).toHaveResourceWithProperties(Cluster, {
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
    const gate = Object.entries(east.resource.null_resource).find(([id]) => id.startsWith("nodes-ready_gate_"))![1] as any;
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

  const secretsOf = (json: any) => Object.values(json.resource.kubernetes_secret_v1) as any[];
  const meshRef = (output: string) =>
    new RegExp(`^\\$\\{data\\.terraform_remote_state\\.cross-stack-reference-input-mesh-ca\\.outputs\\.cross-stack-output-${output}\\}$`);

  it("stores each of its own ClusterMesh certificates, signed in mesh-ca, as the secret the chart mounts, before the release", () => {
    const secrets = secretsOf(east);
    expect(secrets.map((s) => s.metadata.name).sort()).toEqual([
      "clustermesh-apiserver-admin-cert",
      "clustermesh-apiserver-local-cert",
      "clustermesh-apiserver-remote-cert",
      "clustermesh-apiserver-server-cert",
    ]);
    for (const s of secrets) {
      const kind = s.metadata.name.replace(/^clustermesh-apiserver-|-cert$/g, "");
      expect(s).toMatchObject({ type: "kubernetes.io/tls", metadata: { namespace: "kube-system" } });
      expect(s.data_wo["ca.crt"]).toMatch(meshRef("tls_self_signed_certca_cert_[0-9A-F]+cert_pem"));
      expect(s.data_wo["tls.crt"]).toMatch(meshRef(`tls_locally_signed_certclustermesh-talos-east_${kind}-cert_[0-9A-F]+cert_pem`));
      expect(s.data_wo["tls.key"]).toMatch(meshRef(`tls_private_keyclustermesh-talos-east_${kind}-key_[0-9A-F]+private_key_pem`));
      // Re-issued in mesh-ca (renewal window) -> new validity start -> new revision -> the secret is rewritten.
      expect(s.data_wo_revision).toMatch(
        /^\$\{parseint\(formatdate\("YYYYMMDDhhmmss", data\.terraform_remote_state\..*-cert_[0-9A-F]+validity_start_time\), 10\)\}$/,
      );
      expect(s).not.toHaveProperty("data");
    }
    expect(releaseOf(east).depends_on).toEqual(
      expect.arrayContaining(Object.keys(east.resource.kubernetes_secret_v1).map((id) => `kubernetes_secret_v1.${id}`)),
    );
  });

  it("never receives the mesh CA key, nor another cluster's certificates", () => {
    const text = JSON.stringify(east);
    expect(text).not.toMatch(/ca_key/);
    expect(text).not.toMatch(/tls_private_keyca/);
    expect(text).not.toMatch(/talos-west_(server|admin|remote|local)/);
    expect(releaseOf(east).set_sensitive).toBeUndefined();
    expect(JSON.parse(releaseOf(east).values[0])).not.toHaveProperty("tls");
    // The same CA certificate in both clusters: that is what lets them peer.
    const caCert = (json: any) => secretsOf(json)[0].data_wo["ca.crt"];
    expect(caCert(west)).toBe(caCert(east));
  });

  it("exports no CA key from mesh-ca at all, and every cluster key only as a sensitive output", () => {
    const ca = fixture("default").json("mesh-ca");
    const keyOutputs = Object.entries(ca.output).filter(([, o]: [string, any]) => /private_key_pem/.test(o.value));
    expect(keyOutputs.map(([, o]: [string, any]) => o.value).filter((v: string) => /tls_private_key\.ca_key/.test(v))).toEqual([]);
    expect(keyOutputs).toHaveLength(8);
    for (const [, o] of keyOutputs) expect((o as any).sensitive).toBe(true);
  });

  it("runs one clustermesh-apiserver on a cluster without two workers", () => {
    const edge = ciliumOf("three-clusters")[2];
    expect(JSON.parse(releaseOf(edge).values[0]).clustermesh.apiserver.replicas).toBe(1);
  });

  it("meshes all three clusters of the three-cluster example", () => {
    const three = ciliumOf("three-clusters").map((s) => JSON.parse(releaseOf(s).values[0]));
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
    const gates = (json: any) => Object.keys(json.resource.null_resource ?? {});
    for (const json of off) {
      // Only the CRD gate before the LB-IPAM objects stays (it checks no node's health).
      expect(gates(json)).toEqual([expect.stringMatching(/^cilium-crds_gate_/)]);
      // talos_cluster waits on Talos' cluster checks at create and at every Kubernetes upgrade: a gate too.
      expect(Object.keys(json.provider).sort()).toEqual(["helm", "kubernetes", "null"]);
      expect(json.resource.talos_cluster).toBeUndefined();
    }
    const one = buildCilium(resolvedConfig((c) => (c.clusters[0].healthGates = false))).stacks.map((s) => parse(Testing.synth(s)));
    expect(gates(one[0])).toEqual([expect.stringMatching(/^cilium-crds_gate_/)]);
    expect(gates(one[1])).toHaveLength(2);
    expect(one[0].resource.talos_cluster).toBeUndefined();
    expect(Object.keys(one[1].resource.talos_cluster)).toHaveLength(1);
    // Without the nodes-Ready gate, the CRD gate runs right after the Cilium release.
    const crdGate = Object.values(one[0].resource.null_resource)[0] as any;
    expect(crdGate.depends_on).toEqual([expect.stringMatching(/^helm_release\.cilium_release_/)]);
  });
});

describe("cilium stack: the kubelet serving-certificate approver", () => {
  const config = resolvedConfig();
  const stacks = buildCilium(config).stacks.map((s) => parse(Testing.synth(s)));

  it("is a release of the vendored chart before Cilium in every cluster, reaching the API through KubePrism, adopting Talos-made objects", () => {
    for (const json of stacks) {
      const approver = releaseNamed(json, "kubelet-serving-cert-approver");
      expect(approver).toMatchObject({ namespace: "kube-system", version: "0.11.0", wait: true, atomic: true, take_ownership: true, create_namespace: false });
      expect(approver.chart).toMatch(/^assets\/kubelet-serving-cert-approver-chart_files_[0-9A-F]+\/[0-9A-F]{32}$/);
      expect(approver.repository).toBeUndefined();
      expect(JSON.parse(approver.values[0])).toEqual({ kubernetesServiceHost: "localhost", kubernetesServicePort: 7445 });
      // Nothing before it: it runs with no CNI.
      expect(approver.depends_on).toBeUndefined();
      expect(releaseOf(json).depends_on).toContain(idOf(json, "kubelet-serving-cert-approver"));
    }
  });
});

describe("cilium stack: Gateway API, Hubble TLS, encryption", () => {
  const [east] = ciliumOf("default");
  const values = (json: any) => JSON.parse(releaseOf(json).values[0]);

  it("installs the Gateway API CRDs before Cilium, from the vendored chart, upgraded with it", () => {
    const crds = releaseNamed(east, "gateway-api-crds");
    expect(crds).toMatchObject({ namespace: "kube-system", version: "1.4.1", wait: true, atomic: true });
    // A chart of this repository, copied beside the stack; its path carries a hash of its content.
    expect(crds.chart).toMatch(/^assets\/gateway-api-crds-chart_files_[0-9A-F]+\/[0-9A-F]{32}$/);
    expect(crds.repository).toBeUndefined();
    expect(releaseOf(east).depends_on).toContain(idOf(east, "gateway-api-crds"));
    expect(releaseOf(east).depends_on).toContain(idOf(east, "kubelet-serving-cert-approver"));
    expect(values(east).gatewayAPI).toEqual({ enabled: true, gatewayClass: { create: "true" } });
  });

  it("leaves Gateway API out on a cluster that switches it off", () => {
    const off = resolvedConfig((c) => (c.clusters[0].platform = { gatewayApi: { enabled: false } }));
    const json = parse(Testing.synth(buildCilium(off).stacks[0]));
    expect(releaseNamed(json, "gateway-api-crds")).toBeUndefined();
    // Exactly the approver and the four ClusterMesh certificates it mounts stay before it (an empty list would pass an every()).
    const secrets = Object.keys(json.resource.kubernetes_secret_v1).map((id) => `kubernetes_secret_v1.${id}`);
    expect(secrets).toHaveLength(4);
    expect([...releaseOf(json).depends_on].sort()).toEqual([idOf(json, "kubelet-serving-cert-approver"), ...secrets].sort());
    expect(values(json).gatewayAPI).toEqual({ enabled: false });
  });

  it("rotates Hubble's certificates with the chart's cronJob, not its once-only helm certificates", () => {
    expect(values(east).hubble.tls).toEqual({ auto: { enabled: true, method: "cronJob", certValidityDuration: 365, schedule: "0 0 1 */4 *" } });
  });

  it("encrypts with WireGuard in every cluster when the mesh-wide switch says so, and not by default", () => {
    expect(values(east).encryption).toEqual({ enabled: false });
    const wg = resolvedConfig((c) => (c.encryption = { type: "wireguard" }));
    for (const stack of buildCilium(wg).stacks) expect(values(parse(Testing.synth(stack))).encryption).toEqual({ enabled: true, type: "wireguard" });
  });
});

describe("cilium stack: LB-IPAM", () => {
  const [east, west] = ciliumOf("default");
  const values = (json: any) => JSON.parse(releaseOf(json).values[0]);
  const lbValues = (json: any) => JSON.parse(releaseNamed(json, "cilium-lb-ipam").values[0]);

  it("turns on L2 announcements with a client rate limit sized for the pool", () => {
    expect(values(east).l2announcements).toEqual({ enabled: true });
    expect(values(east).bgpControlPlane).toEqual({ enabled: false });
    // 20 addresses, a lease each renewed every 5 s: 4 QPS on top of the agent's 10.
    expect(values(east).k8sClientRateLimit).toEqual({ qps: 14, burst: 28 });
  });

  it("creates each cluster's pool and L2 policy after Cilium, once its CRDs are Established", () => {
    const lb = releaseNamed(east, "cilium-lb-ipam");
    expect(lb).toMatchObject({ namespace: "kube-system", wait: true, chart: expect.stringMatching(/^assets\/lb-ipam-chart_files_/) });
    expect(lbValues(east)).toEqual({
      cluster: "talos-east",
      pool: { blocks: [{ start: "10.10.0.200", stop: "10.10.0.219" }] },
      l2: { enabled: true, interfaces: ["^(en|eth)[a-z0-9]+$"] },
      bgp: { enabled: false, localASN: 0, peers: [] },
      clustermeshApiserver: { enabled: false, ip: "" },
    });
    expect(lbValues(west).pool.blocks).toEqual([{ start: "10.20.0.200", stop: "10.20.0.219" }]);
    // One gate (null_resource, scripts/gate.js crds-established) after the nodes-Ready gate; the release after it.
    const [gateId, crdGate] = Object.entries(east.resource.null_resource).find(([id]) => id.startsWith("cilium-crds_gate_")) as [string, any];
    expect(crdGate.triggers.crds.split(",").sort()).toEqual(["ciliuml2announcementpolicies.cilium.io", "ciliumloadbalancerippools.cilium.io"]);
    expect(crdGate.provisioner[0]["local-exec"].command).toBe("node ../../../scripts/gate.js crds-established");
    expect(crdGate.provisioner[0]["local-exec"].environment.GATE_CRDS).toBe(crdGate.triggers.crds);
    expect(crdGate.depends_on).toEqual([expect.stringMatching(/^null_resource\.nodes-ready_gate_/)]);
    expect(lb.depends_on).toEqual([`null_resource.${gateId}`]);
  });

  it("creates no LB-IPAM objects on a cluster without a pool, or with it switched off", () => {
    for (const edit of [(c: any) => delete c.clusters[0].network.loadBalancer, (c: any) => (c.clusters[0].network.loadBalancer.enabled = false)]) {
      const json = parse(Testing.synth(buildCilium(resolvedConfig(edit)).stacks[0]));
      expect(releaseNamed(json, "cilium-lb-ipam")).toBeUndefined();
      expect(Object.keys(json.resource.null_resource).filter((id) => id.startsWith("cilium-crds"))).toEqual([]);
      expect(values(json).l2announcements).toEqual({ enabled: false });
      expect(values(json).k8sClientRateLimit).toBeUndefined();
    }
  });

  it("advertises a routed pool over BGP to the cluster's peers (the three-cluster example's edge)", () => {
    const edge = ciliumOf("three-clusters")[2];
    expect(values(edge).bgpControlPlane).toEqual({ enabled: true });
    expect(values(edge).l2announcements).toEqual({ enabled: false });
    expect(values(edge).k8sClientRateLimit).toBeUndefined();
    expect(lbValues(edge)).toMatchObject({
      pool: { blocks: [{ start: "10.31.0.0", stop: "10.31.0.15" }] },
      l2: { enabled: false, interfaces: [] },
      bgp: { enabled: true, localASN: 64513, peers: [{ name: "peer-10-30-0-1", address: "10.30.0.1", asn: 64512 }] },
    });
    const edgeGate = Object.entries(edge.resource.null_resource).find(([id]) => id.startsWith("cilium-crds_gate_"))![1] as any;
    expect(edgeGate.triggers.crds.split(",").sort()).toEqual([
      "ciliumbgpadvertisements.cilium.io",
      "ciliumbgpclusterconfigs.cilium.io",
      "ciliumbgppeerconfigs.cilium.io",
      "ciliumloadbalancerippools.cilium.io",
    ]);
  });

  it("exposes a clustermesh-apiserver of type LoadBalancer through the LB-IPAM chart, and peers reach it at its address", () => {
    const lbMesh = resolvedConfig((c) => {
      c.clusters[0].clustermesh = { serviceType: "LoadBalancer", loadBalancerIP: "10.10.0.201", nodePort: 32379 };
    });
    const [e, w] = buildCilium(lbMesh).stacks.map((s) => parse(Testing.synth(s)));
    // The chart leaves the Service out, so Helm's wait on Cilium never waits on an address the pool gives later.
    expect(values(e).clustermesh.apiserver.service).toEqual({ type: "LoadBalancer", externallyCreated: true });
    expect(lbValues(e).clustermeshApiserver).toEqual({ enabled: true, ip: "10.10.0.201" });
    expect(values(w).clustermesh.config.clusters).toEqual([{ name: "talos-east", ips: ["10.10.0.201"], port: 2379 }]);
    // NodePort stays the default.
    expect(values(w).clustermesh.apiserver.service).toEqual({ type: "NodePort", nodePort: 32380 });
  });
});

describe("cilium stack: a plain deploy refuses a Cilium jump of more than one minor", () => {
  const config = resolvedConfig();
  const [east] = buildCilium(config).stacks.map((s) => parse(Testing.synth(s)));
  const release = releaseOf(east);
  const [readId, read] = Object.entries(east.data.kubernetes_resources)[0] as [string, any];
  const [precondition] = release.lifecycle.precondition;

  it("reads the running agent DaemonSet at plan, as a list (nothing running reads nothing, no error)", () => {
    expect(Object.keys(east.data.kubernetes_resources)).toHaveLength(1);
    expect(read).toMatchObject({ api_version: "apps/v1", kind: "DaemonSet", namespace: "kube-system", field_selector: "metadata.name=cilium" });
    // With the stack's one kubernetes provider (no alias).
    expect(read.provider).toBeUndefined();
  });

  it("puts the check on the Cilium release, comparing the running agent's image version with the configured one", () => {
    expect(release.lifecycle.precondition).toHaveLength(1);
    expect(precondition.condition).toContain(`jsonencode(data.kubernetes_resources.${readId}.objects)`);
    expect(precondition.condition).toContain(`regex("${AGENT_VERSION_PATTERN}"`);
    expect(precondition.condition).toContain('== tonumber("1")');
    expect(precondition.condition).toContain('- tonumber("19"))) <= 1');
    // No falsy literal operand, which cdktf 0.21 writes as `undefined`.
    expect(`${precondition.condition}${precondition.error_message}`).not.toContain("undefined");
  });

  it("refuses with npm run diff's text, the running and next versions filled in by the engine", () => {
    const running = "RUNNING";
    const text = ciliumJumpRefusal({ stack: "talos-east-cilium", from: running, to: "1.19.6", nextMinor: "NEXT" });
    const [before, after] = text.split(running);
    expect(precondition.error_message.startsWith(before)).toBe(true);
    expect(precondition.error_message.endsWith(after.replace("NEXT", "").replace(/^.*\(/, ""))).toBe(true);
    expect(precondition.error_message).toMatch(/\(\$\{try\(tonumber\(element\(split/);
  });
});
