import { Testing } from "cdktf";
import { Machine } from "../../.gen/providers/talos/machine";
import { MachineSecrets } from "../../.gen/providers/talos/machine-secrets";
import { TalosProvider } from "../../.gen/providers/talos/provider";
import { MeshConfigInput } from "../../lib/config/schema";
import { fixture } from "../fixtures";
import { meshApp, parse, resolvedConfig } from "../helpers";

const values = (json: any, type: string, mode: "resource" | "data" | "ephemeral" = "resource") => Object.values(json[mode]?.[type] ?? {}) as any[];
const entries = (json: any, type: string) => Object.entries(json.resource?.[type] ?? {}) as [string, any][];
const address = (type: string, id: string) => expect.stringMatching(new RegExp(`^${type.replace(/\./g, "\\.")}\\.${id}_[0-9A-F]+$`));
const EAST = ["cp-1", "cp-2", "cp-3", "w-1", "w-2", "w-3"].map((n) => `talos-east-${n}`);

/** The east cluster's Talos stack, parsed, for a config edited by `edit`. */
const eastTalos = (edit: (c: MeshConfigInput) => void = () => {}) => parse(Testing.synth(meshApp(resolvedConfig(edit)).stacks.clusters[0].talos));
/** talos_machine by node name (from its logical id, `cluster_machine-<node>_<hash>`). */
const machinesByNode = (json: any): Record<string, any> =>
  Object.fromEntries(entries(json, "talos_machine").map(([id, m]) => [id.replace(/^cluster_machine-/, "").replace(/_[0-9A-F]+$/, ""), m]));
/** The logical id of the `type` resource whose construct id is `part`. */
const idOf = (json: any, type: string, part: string) => entries(json, type).find(([id]) => new RegExp(`(^|_)${part}_[0-9A-F]+$`).test(id))![0];

describe("talos stack", () => {
  // The default mesh's synthesis, shared by every test file of the run (fixtures.ts).
  const stack = fixture("default").ofKind("talos");
  const { synth } = stack;
  const json = fixture("default").json(stack.name);

  it("matches the snapshot", () => {
    expect(synth).toMatchSnapshot();
  });

  it("is named <cluster>-talos, ordered after its VMs stack and reading no other stack's state", () => {
    expect(stack.name).toBe("talos-east-talos");
    expect(stack.dependencies).toEqual(["talos-east-vms"]);
    expect(json.data.terraform_remote_state).toBeUndefined();
  });

  it("keeps the machine secrets from destroy, pinned to the Talos version", () => {
    expect(synth).toHaveResourceWithProperties(MachineSecrets, { talos_version: "v1.13.9", lifecycle: { prevent_destroy: true } });
    const open = eastTalos((c) => (c.allowPkiDestroy = true));
    expect(values(open, "talos_machine_secrets")[0].lifecycle).toEqual({ prevent_destroy: false });
  });

  it("renders each node's full config ephemerally, with its own patches and the cluster's versions", () => {
    const configs = json.ephemeral.talos_machine_configuration;
    expect(Object.entries(configs).map(([id, c]: [string, any]) => [id, c.machine_type])).toEqual([
      ["cluster_config-talos-east-cp-1", "controlplane"],
      ["cluster_config-talos-east-cp-2", "controlplane"],
      ["cluster_config-talos-east-cp-3", "controlplane"],
      ["cluster_config-talos-east-w-1", "worker"],
      ["cluster_config-talos-east-w-2", "worker"],
      ["cluster_config-talos-east-w-3", "worker"],
    ]);
    for (const c of Object.values(configs) as any[]) {
      expect(c).toMatchObject({
        cluster_name: "talos-east",
        cluster_endpoint: "https://10.10.0.10:6443",
        talos_version: "v1.13.9",
        kubernetes_version: "1.35.10",
        docs: false,
        examples: false,
      });
      expect(c.machine_secrets).toMatch(/^\$\{talos_machine_secrets\.cluster_secrets_[0-9A-F]+\.machine_secrets\}$/);
      expect(c.config_patches).toHaveLength(1);
      expect(c.config_patches[0]).toContain("image: ${data.talos_image_factory_urls.talos-image_urls_");
    }
    expect(configs["cluster_config-talos-east-w-1"].config_patches[0]).toContain("kind: HostnameConfig\nauto: off\nhostname: talos-east-w-1\n");
    expect(json.data.talos_machine_configuration).toBeUndefined();
  });

  it("hands configs and the drain kubeconfig to talos_machine write-only, so neither is in state", () => {
    const m = machinesByNode(json);
    expect(Object.keys(m)).toEqual(EAST);
    expect(m["talos-east-cp-1"].machine_configuration_wo).toBe("${ephemeral.talos_machine_configuration.cluster_config-talos-east-cp-1.machine_configuration}");
    for (const machine of Object.values(m)) {
      expect(machine).not.toHaveProperty("machine_configuration");
      expect(machine).not.toHaveProperty("kubeconfig");
      expect(machine.kubeconfig_wo).toBe("${ephemeral.talos_cluster_kubeconfig.cluster_drain-kubeconfig.kubeconfig_raw}");
      // In state on purpose: the provider refreshes and resets only with it (talos_machine_resource.go Read, Delete).
      expect(machine.client_configuration.client_key).toMatch(/^\$\{talos_machine_secrets\.cluster_secrets_[0-9A-F]+\.client_configuration\.client_key\}$/);
    }
    const [bootstrap] = values(json, "talos_machine_bootstrap");
    expect(bootstrap).not.toHaveProperty("client_configuration");
    expect(bootstrap.client_configuration_wo.client_key).toMatch(/client_configuration\.client_key/);
    expect(json.ephemeral.talos_cluster_kubeconfig["cluster_drain-kubeconfig"]).toMatchObject({ endpoint: "https://10.10.0.10:6443", crt_ttl: "1h" });
  });

  it("applies each node's config to the node itself, upgrades through `image`, drains, and resets on destroy", () => {
    expect(synth).toHaveResourceWithProperties(Machine, {
      node: "10.10.0.11",
      endpoint: "10.10.0.11",
      drain_on_upgrade: true,
      ignore_kubernetes_upgrade_drift: true,
      on_destroy: { reset: true, graceful: true, reboot: false },
      timeouts: { create: "30m", update: "30m", delete: "10m" },
    });
    expect(Object.values(machinesByNode(json)).map((m) => m.node)).toEqual([
      "10.10.0.11",
      "10.10.0.12",
      "10.10.0.13",
      "10.10.0.21",
      "10.10.0.22",
      "10.10.0.23",
    ]);
    for (const m of Object.values(machinesByNode(json)))
      expect(m.image).toMatch(/^\$\{data\.talos_image_factory_urls\.talos-image_urls_[0-9A-F]+\.urls\.installer\}$/);
    expect(json.resource.talos_machine_configuration_apply).toBeUndefined();
  });

  it("rolls the nodes one at a time: each control plane after the previous, then each worker", () => {
    const m = machinesByNode(json);
    const id = (n: string) => `talos_machine.${idOf(json, "talos_machine", `machine-${n}`)}`;
    expect(m[EAST[0]].depends_on).toBeUndefined();
    for (let i = 1; i < EAST.length; i++) expect(m[EAST[i]].depends_on).toEqual([id(EAST[i - 1])]);
  });

  it("bootstraps the first control plane after the control planes only, with time for an installer pull and a reboot", () => {
    const [bootstrap] = values(json, "talos_machine_bootstrap");
    expect(bootstrap).toMatchObject({ node: "10.10.0.11", endpoint: "10.10.0.11", timeouts: { create: "30m" } });
    expect(bootstrap.depends_on).toEqual(EAST.slice(0, 3).map((n) => `talos_machine.${idOf(json, "talos_machine", `machine-${n}`)}`));
  });

  it("takes the kubeconfig after the bootstrap, then gates on /readyz at apply", () => {
    const [kubeconfig] = values(json, "talos_cluster_kubeconfig");
    expect(kubeconfig.depends_on).toEqual([address("talos_machine_bootstrap", "cluster_bootstrap")]);
    const gate = json.resource.null_resource[idOf(json, "null_resource", "gate")];
    expect(gate.provisioner[0]["local-exec"].command).toBe("node ../../../scripts/gate.js readyz");
    expect(gate.provisioner[0]["local-exec"].environment.GATE_HOST).toMatch(
      /^\$\{talos_cluster_kubeconfig\.cluster_kubeconfig_[0-9A-F]+\.kubernetes_client_configuration\.host\}$/,
    );
    expect(gate.depends_on).toContainEqual(address("talos_cluster_kubeconfig", "cluster_kubeconfig"));
    expect(synth).toHaveProviderWithProperties(TalosProvider, { image_factory_url: "https://factory.talos.dev" });
  });

  it("installs the image its VMs stack registers, named by the ID computed at synth", () => {
    const [urls] = values(json, "talos_image_factory_urls", "data");
    // The VMs stack's registration refuses any other ID than the one computed at synth.
    const [registered] = values(fixture("default").json("talos-east-vms"), "talos_image_factory_schematic");
    expect(urls.schematic_id).toMatch(/^[0-9a-f]{64}$/);
    expect(registered.lifecycle.postcondition[0].condition).toBe(`\${self.id == "${urls.schematic_id}"}`);
    expect(json.provider.talos).toEqual([{ image_factory_url: "https://factory.talos.dev" }]);
  });

  it("uses the first control plane's IP without a VIP", () => {
    const edge = fixture("three-clusters").json("talos-edge-talos");
    expect(values(edge, "talos_machine_configuration", "ephemeral")[0].cluster_endpoint).toBe("https://10.30.0.11:6443");
  });
});

describe("talos stack scenarios (day 2, on the synthesized JSON)", () => {
  const before = fixture("default").json("talos-east-talos");

  it("a Talos bump changes `image` on every node, and the chain keeps the roll order", () => {
    const after = eastTalos((c) => (c.versions = { ...c.versions, talos: "v1.13.8" }));
    const [urlsBefore] = values(before, "talos_image_factory_urls", "data");
    const [urlsAfter] = values(after, "talos_image_factory_urls", "data");
    expect([urlsBefore.talos_version, urlsAfter.talos_version]).toEqual(["v1.13.9", "v1.13.8"]);
    // Every node's image is that data source's installer: the version change reaches each.
    for (const m of Object.values(machinesByNode(after))) expect(m.image).toContain(".urls.installer}");
    expect(Object.values(machinesByNode(after)).map((m) => m.depends_on)).toEqual(Object.values(machinesByNode(before)).map((m) => m.depends_on));
  });

  it("a Kubernetes bump leaves every resource of the Talos stack as it was (talos_cluster in the Cilium stack takes it)", () => {
    const after = eastTalos((c) => (c.versions = { ...c.versions, kubernetes: "1.35.9" }));
    expect(after.resource).toEqual(before.resource);
    // Only the ephemeral configs (never in state) carry it, for nodes that join later.
    expect(values(after, "talos_machine_configuration", "ephemeral").map((c) => c.kubernetes_version)).toEqual(EAST.map(() => "1.35.9"));
  });

  it("replacing a VM (a new VM id) replaces its node's talos_machine: the config is applied again", () => {
    const after = eastTalos((c) => (c.clusters[0].workers!.nodes![0].vmId = 1031));
    const trigger = (json: any, node: string) => json.resource.null_resource[idOf(json, "null_resource", `vm-${node}`)].triggers;
    expect(trigger(before, "talos-east-w-1")).toEqual({ vm_id: "1021", proxmox_node: "pve1" });
    expect(trigger(after, "talos-east-w-1")).toEqual({ vm_id: "1031", proxmox_node: "pve1" });
    expect(machinesByNode(after)["talos-east-w-1"].lifecycle.replace_triggered_by).toEqual([
      `null_resource.${idOf(after, "null_resource", "vm-talos-east-w-1")}`,
    ]);
    expect(trigger(after, "talos-east-w-2")).toEqual(trigger(before, "talos-east-w-2"));
  });

  it("removing a node: `leaving` resets it (its talos_machine goes, reset on destroy) while its VM stays; then the VM goes", () => {
    const step1 = meshApp(resolvedConfig((c) => (c.clusters[0].workers!.nodes![2].leaving = true))).stacks.clusters[0];
    const talos = parse(Testing.synth(step1.talos));
    expect(Object.keys(machinesByNode(talos))).toEqual(EAST.slice(0, 5));
    // What the destroy of its talos_machine does: the node resets and leaves etcd gracefully.
    expect(machinesByNode(before)["talos-east-w-3"].on_destroy).toEqual({ reset: true, graceful: true, reboot: false });
    const vmNames = (stack: typeof step1.vms) => Object.values(parse(Testing.synth(stack)).resource.proxmox_virtual_environment_vm).map((v: any) => v.name);
    expect(vmNames(step1.vms)).toContain("talos-east-w-3");
    const cilium = parse(Testing.synth(step1.cilium));
    const gates = Object.values(cilium.resource.null_resource) as any[];
    const exec = (check: string) => gates.find((g) => g.triggers.check === check).provisioner[0]["local-exec"];
    expect(exec("delete-nodes").environment.GATE_NODES).toBe("talos-east-w-3");
    expect(exec("nodes-dns").environment.GATE_NODES).not.toContain("talos-east-w-3");
    const step2 = meshApp(resolvedConfig((c) => c.clusters[0].workers!.nodes!.splice(2, 1))).stacks.clusters[0];
    expect(vmNames(step2.vms)).not.toContain("talos-east-w-3");
  });

  it("no health data source runs at plan: every gate is a resource", () => {
    expect(before.data.talos_cluster_health).toBeUndefined();
    expect(before.data.http).toBeUndefined();
    expect(Object.keys(before.data).sort()).toEqual(["talos_client_configuration", "talos_image_factory_urls"]);
  });

  it("the gate before the CNI reads nothing that needs pod networking: /readyz of the API server only", () => {
    const gates = values(before, "null_resource").filter((r) => r.provisioner);
    expect(gates).toHaveLength(1);
    expect(gates[0].provisioner[0]["local-exec"].command).toMatch(/gate\.js readyz$/);
    expect(gates[0].triggers.check).toBe("readyz");
    expect(JSON.stringify(before)).not.toMatch(/nodes-dns|talos_cluster_health|skip_kubernetes_checks/);
  });
});

describe("talos stack with the health gates off (repair)", () => {
  const gated = (edit: Parameters<typeof resolvedConfig>[0]) => meshApp(resolvedConfig(edit)).stacks.clusters.map((c) => parse(Testing.synth(c.talos)));
  const hasGate = (json: any) => values(json, "null_resource").some((r) => r.provisioner);

  it("synthesizes no gate when the mesh turns them off", () => {
    for (const json of gated((c) => (c.healthGates = false))) {
      expect(hasGate(json)).toBe(false);
      expect(json.data.talos_cluster_health).toBeUndefined();
    }
  });

  it("keeps them by default, and a cluster's own healthGates overrides the mesh's either way", () => {
    expect(
      fixture("default")
        .stacks.filter((s) => s.kind === "talos")
        .map((s) => hasGate(parse(s.synth))),
    ).toEqual([true, true]);
    expect(gated((c) => (c.clusters[1].healthGates = false)).map(hasGate)).toEqual([true, false]);
    expect(
      gated((c) => {
        c.healthGates = false;
        c.clusters[0].healthGates = true;
      }).map(hasGate),
    ).toEqual([true, false]);
  });
});
