import { FIXTURE_NAMES, fixture } from "../fixtures";
import { nodeOfMachineAddress, nodeRemovalCheck, talosStacksToRead } from "../../tools/node-removal";
import { TalosStack } from "../../stacks/talos-stack";

const machine = (node: string) => TalosStack.machineAddress("talos-east-talos", node);
const EAST = { name: "talos-east", nodes: ["east-cp-1", "east-cp-2", "east-cp-3", "east-w-1"] };
const WEST = { name: "talos-west", nodes: ["west-cp-1"] };
/** The Talos stack's state after a deploy of every node of EAST plus east-w-2, which the config no longer lists. */
const STATE_WITH_W2 = [
  "null_resource.cluster_api-ready_gate_1A2B3C4D",
  ...[...EAST.nodes, "east-w-2"].map(machine),
  "talos_machine_bootstrap.cluster_bootstrap_5E6F7A8B",
  "talos_machine_secrets.cluster_secrets_9C0D1E2F",
];
const ALL_STACKS = ["mesh-ca", "talos-east-vms", "talos-east-talos", "talos-east-cilium", "talos-west-vms", "talos-west-talos"];

describe("npm run deploy: a node removed in one step, refused from the Talos stack's current state", () => {
  it("refuses a node whose talos_machine is still in state but which the config no longer lists, with npm run diff's exact text", () => {
    expect(nodeRemovalCheck({ clusters: [EAST, WEST], deploying: ALL_STACKS, states: { "talos-east-talos": STATE_WITH_W2 } })).toEqual({
      refusals: [
        "east-w-2: its VM (talos-east-vms) and its Talos node (talos-east-talos) are removed in one deploy; the VMs stack deploys first, so the VM would be gone before the node is reset and leaves etcd. Fix: 1. put it back and set leaving: true on it, npm run deploy (the node resets and leaves); 2. delete it from the config, npm run deploy (its VM goes)",
      ],
      unmapped: [],
    });
  });

  it("passes step 1 (the node still listed, leaving: true), step 2 (its talos_machine gone from state), a first deploy and an unchanged cluster", () => {
    const withW2 = { ...EAST, nodes: [...EAST.nodes, "east-w-2"] };
    const afterStep1 = STATE_WITH_W2.filter((a) => a !== machine("east-w-2"));
    const cases = [
      { clusters: [withW2], states: { "talos-east-talos": STATE_WITH_W2 } },
      { clusters: [EAST], states: { "talos-east-talos": afterStep1 } },
      { clusters: [EAST], states: {} },
      { clusters: [EAST], states: { "talos-east-talos": undefined } },
      { clusters: [EAST], states: { "talos-east-talos": [] } },
    ];
    for (const c of cases) expect(nodeRemovalCheck({ ...c, deploying: ALL_STACKS })).toEqual({ refusals: [], unmapped: [] });
  });

  it("checks only clusters whose VMs stack this deploy applies (only that stack removes a VM)", () => {
    const deploying = ["talos-east-talos", "talos-west-vms"];
    expect(nodeRemovalCheck({ clusters: [EAST, WEST], deploying, states: { "talos-east-talos": STATE_WITH_W2 } }).refusals).toEqual([]);
    expect(talosStacksToRead([EAST, WEST], deploying)).toEqual(["talos-west-talos"]);
    expect(talosStacksToRead([EAST, WEST], ALL_STACKS)).toEqual(["talos-east-talos", "talos-west-talos"]);
  });

  it("maps an address to a node only when the address computed for that node is the same (a wrong hash or another construct's id maps to none)", () => {
    expect(nodeOfMachineAddress("talos-east-talos", machine("east-w-2"))).toBe("east-w-2");
    const wrongHash = machine("east-w-2").replace(/_[0-9A-F]+$/, "_00000000");
    expect(nodeOfMachineAddress("talos-east-talos", wrongHash)).toBeUndefined();
    expect(nodeOfMachineAddress("talos-east-talos", machine("east-w-2").replace("_machine-", "_vm-"))).toBeUndefined();
    expect(nodeOfMachineAddress("talos-east-talos", "talos_machine.other_machine-east-w-2_0A1B2C3D")).toBeUndefined();
    expect(
      nodeRemovalCheck({
        clusters: [EAST],
        deploying: ALL_STACKS,
        states: { "talos-east-talos": [...STATE_WITH_W2.filter((a) => a !== machine("east-w-2")), wrongHash] },
      }),
    ).toEqual({ refusals: [], unmapped: [`talos-east-talos: ${wrongHash}`] });
  });

  it("computes the state address every synthesized node's talos_machine has, in every fixture", () => {
    let nodes = 0;
    for (const name of FIXTURE_NAMES) {
      for (const stack of fixture(name).stacks.filter((s) => s.kind === "talos")) {
        for (const r of stack.resources.filter((x) => x.type === "talos_machine")) {
          const node = r.path.replace(/^cluster\/machine-/, "");
          expect([node, TalosStack.machineAddress(stack.name, node)]).toEqual([node, `talos_machine.${r.id}`]);
          expect(nodeOfMachineAddress(stack.name, `talos_machine.${r.id}`)).toBe(node);
          nodes++;
        }
      }
    }
    expect(nodes).toBeGreaterThan(10);
  });
});
