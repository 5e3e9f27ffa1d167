import { Testing } from "cdktf";
import { DataHttp } from "@cdktf/provider-http/lib/data-http";
import { DataTalosClusterHealth } from "../../.gen/providers/talos/data-talos-cluster-health";
import { MachineSecrets } from "../../.gen/providers/talos/machine-secrets";
import { TalosProvider } from "../../.gen/providers/talos/provider";
import { meshApp, parse, resolvedConfig, threeClusterConfig } from "../helpers";

const values = (json: any, type: string, mode: "resource" | "data" = "resource") => Object.values(json[mode][type] ?? {}) as any[];
const address = (type: string, id: string) => expect.stringMatching(new RegExp(`^${type.replace(/\./g, "\\.")}\\.${id}_[0-9A-F]+$`));

describe("talos stack", () => {
  const { stacks } = meshApp(resolvedConfig());
  const stack = stacks.clusters[0].talos;
  const synth = Testing.synth(stack);
  const json = parse(synth);

  it("matches the snapshot", () => {
    expect(synth).toMatchSnapshot();
  });

  it("is named <cluster>-talos, ordered after its VMs stack and reading no other stack's state", () => {
    expect(stack.node.id).toBe("talos-east-talos");
    expect(stack.dependencies.map((d) => d.node.id)).toEqual(["talos-east-vms"]);
    expect(json.data.terraform_remote_state).toBeUndefined();
  });

  it("keeps the machine secrets from destroy, pinned to the Talos version", () => {
    expect(synth).toHaveResourceWithProperties(MachineSecrets, { talos_version: "v1.12.4", lifecycle: { prevent_destroy: true } });
    const open = parse(Testing.synth(meshApp(resolvedConfig((c) => (c.allowPkiDestroy = true))).stacks.clusters[0].talos));
    expect(values(open, "talos_machine_secrets")[0].lifecycle).toEqual({ prevent_destroy: false });
  });

  it("renders each node's full config with its own patches and the cluster's versions", () => {
    const configs = values(json, "talos_machine_configuration", "data");
    expect(Object.entries(json.data.talos_machine_configuration).map(([id, c]: [string, any]) => [id.replace(/_[0-9A-F]+$/, ""), c.machine_type])).toEqual([
      ["cluster_config-talos-east-cp-1", "controlplane"],
      ["cluster_config-talos-east-cp-2", "controlplane"],
      ["cluster_config-talos-east-cp-3", "controlplane"],
      ["cluster_config-talos-east-w-1", "worker"],
      ["cluster_config-talos-east-w-2", "worker"],
      ["cluster_config-talos-east-w-3", "worker"],
    ]);
    for (const c of configs) {
      expect(c).toMatchObject({
        cluster_name: "talos-east",
        cluster_endpoint: "https://10.10.0.10:6443",
        talos_version: "v1.12.4",
        kubernetes_version: "1.34.1",
        docs: false,
        examples: false,
      });
      expect(c.machine_secrets).toMatch(/^\$\{talos_machine_secrets\.cluster_secrets_[0-9A-F]+\.machine_secrets\}$/);
      expect(c.config_patches).toHaveLength(1);
      expect(c.config_patches[0]).toContain("image: ${data.talos_image_factory_urls.talos-image_urls_");
    }
    expect(configs[3].config_patches[0]).toContain("kind: HostnameConfig\nauto: off\nhostname: talos-east-w-1\n");
  });

  it("applies each node's config to the node itself, then bootstraps the first control plane after all of them", () => {
    const applies = values(json, "talos_machine_configuration_apply");
    expect(applies.map((a) => [a.node, a.endpoint])).toEqual(
      ["10.10.0.11", "10.10.0.12", "10.10.0.13", "10.10.0.21", "10.10.0.22", "10.10.0.23"].map((ip) => [ip, ip]),
    );
    expect(applies[0].machine_configuration_input).toMatch(
      /^\$\{data\.talos_machine_configuration\.cluster_config-talos-east-cp-1_[0-9A-F]+\.machine_configuration\}$/,
    );
    expect(applies[0].client_configuration.client_key).toMatch(/^\$\{talos_machine_secrets\.cluster_secrets_[0-9A-F]+\.client_configuration\.client_key\}$/);
    const [bootstrap] = values(json, "talos_machine_bootstrap");
    expect(bootstrap).toMatchObject({ node: "10.10.0.11", endpoint: "10.10.0.11" });
    expect(bootstrap.depends_on).toHaveLength(6);
  });

  it("gates on Talos' boot checks only (no CNI yet), then takes the kubeconfig and waits for the API server", () => {
    expect(synth).toHaveDataSourceWithProperties(DataTalosClusterHealth, { skip_kubernetes_checks: true, timeouts: { read: "20m" } });
    expect(synth).toHaveProviderWithProperties(TalosProvider, { image_factory_url: "https://factory.talos.dev" });
    const [health] = values(json, "talos_cluster_health", "data");
    expect(health).toMatchObject({
      skip_kubernetes_checks: true,
      control_plane_nodes: ["10.10.0.11", "10.10.0.12", "10.10.0.13"],
      endpoints: ["10.10.0.11", "10.10.0.12", "10.10.0.13"],
    });
    expect(health.depends_on).toContainEqual(address("talos_machine_bootstrap", "cluster_bootstrap"));
    const [kubeconfig] = values(json, "talos_cluster_kubeconfig");
    expect(kubeconfig.depends_on).toEqual([address("data.talos_cluster_health", "cluster_health_check")]);
    const [readyz] = values(json, "http", "data");
    expect(readyz.url).toMatch(/^\$\{talos_cluster_kubeconfig\.cluster_kubeconfig_[0-9A-F]+\.kubernetes_client_configuration\.host\}\/readyz$/);
    expect(readyz.ca_cert_pem).toMatch(/^\$\{base64decode\(/);
    expect(readyz).not.toHaveProperty("insecure");
    expect(readyz.lifecycle.postcondition[0].condition).toBe("${self.status_code == 200}");
  });

  it("installs the image its VMs stack registers, named by the ID computed at synth", () => {
    const [urls] = values(json, "talos_image_factory_urls", "data");
    expect(urls.schematic_id).toBe(stacks.clusters[0].vms.image.schematic.id);
    expect(json.provider.talos).toEqual([{ image_factory_url: "https://factory.talos.dev" }]);
  });

  it("uses the first control plane's IP without a VIP", () => {
    const edge = parse(Testing.synth(meshApp(threeClusterConfig()).stacks.clusters[2].talos));
    expect(values(edge, "talos_machine_configuration", "data")[0].cluster_endpoint).toBe("https://10.30.0.11:6443");
    expect(values(edge, "talos_cluster_health", "data")[0].worker_nodes).toEqual([]);
  });
});

describe("talos stack with the health gates off (repair)", () => {
  const gated = (edit: Parameters<typeof resolvedConfig>[0]) => meshApp(resolvedConfig(edit)).stacks.clusters.map((c) => Testing.synth(c.talos));

  it("synthesizes no gate when the mesh turns them off, and the kubeconfig follows the bootstrap", () => {
    const [east, west] = gated((c) => (c.healthGates = false));
    for (const synth of [east, west]) {
      expect(synth).not.toHaveDataSource(DataTalosClusterHealth);
      expect(synth).not.toHaveDataSource(DataHttp);
      const [kubeconfig] = values(parse(synth), "talos_cluster_kubeconfig");
      expect(kubeconfig.depends_on).toEqual([address("talos_machine_bootstrap", "cluster_bootstrap")]);
    }
  });

  it("keeps them by default, and a cluster's own healthGates overrides the mesh's either way", () => {
    const on = (synth: string) =>
      Object.keys(parse(synth).data?.talos_cluster_health ?? {}).length === 1 && Object.keys(parse(synth).data?.http ?? {}).length === 1;
    expect(gated(() => {}).map(on)).toEqual([true, true]);
    expect(gated((c) => (c.clusters[1].healthGates = false)).map(on)).toEqual([true, false]);
    expect(
      gated((c) => {
        c.healthGates = false;
        c.clusters[0].healthGates = true;
      }).map(on),
    ).toEqual([true, false]);
  });
});
