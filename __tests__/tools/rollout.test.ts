import { PlanJson, ResourceChange, rollout } from "../../tools/rollout";

const machine = (node: string, actions: string[], before: Record<string, unknown> | null, after: Record<string, unknown> | null): ResourceChange => ({
  address: `talos_machine.cluster_machine-${node}_0A1B2C3D`,
  type: "talos_machine",
  change: { actions, before, after },
});
/** A Talos plan whose talos_machines are chained in `order` (each depends on the one before). */
const talosPlan = (order: string[], changes: ResourceChange[]): PlanJson => ({
  resource_changes: changes,
  configuration: {
    root_module: {
      resources: order.map((n, i) => ({
        address: `talos_machine.cluster_machine-${n}_0A1B2C3D`,
        ...(i ? { depends_on: [`talos_machine.cluster_machine-${order[i - 1]}_0A1B2C3D`] } : {}),
      })),
    },
  },
});
const NODES = ["east-cp-1", "east-cp-2", "east-w-1"];
const img = (v: string) => ({ image: `factory.talos.dev/nocloud-installer/abc:${v}` });

describe("npm run diff: what happens to the nodes, and in what order", () => {
  it("names every node a Talos bump upgrades, in the chain's order (not the plan's alphabetical one)", () => {
    const plan = talosPlan(
      NODES,
      [...NODES].reverse().map((n) => machine(n, ["update"], img("v1.13.8"), img("v1.13.9"))),
    );
    expect(rollout({ "talos-east-talos": plan }, ["talos-east"]).lines).toEqual([
      "talos-east-talos: 1. east-cp-1: upgrades to Talos v1.13.9 (drain, reboot, uncordon when Ready)",
      "talos-east-talos: 2. east-cp-2: upgrades to Talos v1.13.9 (drain, reboot, uncordon when Ready)",
      "talos-east-talos: 3. east-w-1: upgrades to Talos v1.13.9 (drain, reboot, uncordon when Ready)",
    ]);
  });

  it("tells a config re-apply, a re-created node, a joining one and a leaving one apart", () => {
    const plan = talosPlan(NODES, [
      machine("east-cp-1", ["update"], img("v1.13.9"), img("v1.13.9")),
      machine("east-cp-2", ["delete", "create"], img("v1.13.9"), img("v1.13.9")),
      machine("east-w-1", ["create"], null, img("v1.13.9")),
      machine("east-w-9", ["delete"], img("v1.13.9"), null),
    ]);
    expect(rollout({ "talos-east-talos": plan }, ["talos-east"]).lines.map((l) => l.replace(/^.*?: \d\. /, ""))).toEqual([
      "east-cp-1: config re-applied (a reboot only if the change needs one)",
      "east-cp-2: re-created (its VM changed): config applied to the new VM",
      "east-w-1: joins (config applied, Talos installs and reboots it)",
      "east-w-9: reset (a control plane leaves etcd gracefully), then out of the cluster",
    ]);
  });

  it("refuses a node and its VM removed in one deploy, with the exact two steps; a leaving node alone is fine", () => {
    const talos = talosPlan(NODES, [machine("east-w-9", ["delete"], img("v1.13.9"), null)]);
    const vms: PlanJson = {
      resource_changes: [
        {
          address: "proxmox_virtual_environment_vm.east-w-9_vm_1",
          type: "proxmox_virtual_environment_vm",
          change: { actions: ["delete"], before: { name: "east-w-9" }, after: null },
        },
      ],
    };
    const { refusals } = rollout({ "talos-east-talos": talos, "talos-east-vms": vms }, ["talos-east"]);
    expect(refusals).toEqual([
      "east-w-9: its VM (talos-east-vms) and its Talos node (talos-east-talos) are removed in one deploy; the VMs stack deploys first, so the VM would be gone before the node is reset and leaves etcd. Fix: 1. put it back and set leaving: true on it, npm run deploy (the node resets and leaves); 2. delete it from the config, npm run deploy (its VM goes)",
    ]);
    expect(rollout({ "talos-east-talos": talos }, ["talos-east"]).refusals).toEqual([]);
    expect(rollout({ "talos-east-vms": vms }, ["talos-east"]).refusals).toEqual([]);
  });

  it("names a Kubernetes upgrade, and refuses a Cilium jump of more than one minor", () => {
    const cilium = (from: string, to: string): PlanJson => ({
      resource_changes: [
        {
          address: "talos_cluster.talos-cluster",
          type: "talos_cluster",
          change: { actions: ["update"], before: { kubernetes_version: "1.35.9" }, after: { kubernetes_version: "1.35.10" } },
        },
        {
          address: "helm_release.cilium_release",
          type: "helm_release",
          change: { actions: ["update"], before: { name: "cilium", version: from }, after: { name: "cilium", version: to } },
        },
      ],
    });
    expect(rollout({ "talos-east-cilium": cilium("1.19.5", "1.20.0") }, ["talos-east"])).toEqual({
      lines: [
        "talos-east-cilium: Kubernetes 1.35.9 -> 1.35.10 (upgrade-k8s: control plane components one by one, then each node's kubelet)",
        "talos-east-cilium: Cilium 1.19.5 -> 1.20.0 (Helm upgrade, atomic)",
      ],
      refusals: [],
    });
    expect(rollout({ "talos-east-cilium": cilium("1.19.6", "1.21.0") }, ["talos-east"]).refusals).toEqual([
      "talos-east-cilium: Cilium 1.19.6 -> 1.21.0 jumps more than one minor, which Cilium does not support. Fix: set versions.cilium to the next minor first (1.20.x), deploy, then go on",
    ]);
  });

  it("reads each stack's kind from the registry, exactly: a cluster named like a kind, a name that only ends like one", () => {
    const upgrade = talosPlan(NODES, [machine("east-cp-1", ["update"], img("v1.13.8"), img("v1.13.9"))]);
    // A cluster named "talos": its Cilium stack talos-cilium is a Cilium stack, its Talos stack talos-talos a Talos one.
    expect(rollout({ "talos-talos": upgrade }, ["talos"]).lines).toEqual([
      "talos-talos: 1. east-cp-1: upgrades to Talos v1.13.9 (drain, reboot, uncordon when Ready)",
    ]);
    // A name ending in -talos that is no stack of the mesh's clusters (a suffix match read it as a Talos stack).
    expect(rollout({ "talos-west-talos": upgrade, "mesh-talos": upgrade }, ["talos-east"])).toEqual({ lines: [], refusals: [] });
  });
});
