import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { FIXTURE_NAMES, fixture } from "../fixtures";
import { engineTestsRun, localEngine, scratchDir } from "../helpers";
import { StateError } from "../../lib/errors";
import { StateListOf, nodeOfMachineAddress, nodeRemovalCheck, stateListAddresses, talosStacksToRead } from "../../tools/node-removal";
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

describe("npm run deploy: each Talos stack's state as the engine lists it", () => {
  const of = (backend: StateListOf["backend"]): StateListOf => ({ stack: "talos-east-talos", engine: "tofu", dir: "/x", backend });
  const ESC = "\u001b";
  // What the engines print when the backend holds no state (tools/node-removal.ts NO_STATE cites where, for each backend kind).
  const NO_STATE_OUTPUT = {
    "OpenTofu 1.12": `${ESC}[31m╷${ESC}[0m${ESC}[0m\n${ESC}[31m│${ESC}[0m ${ESC}[0m${ESC}[1m${ESC}[31mError: ${ESC}[0m${ESC}[0m${ESC}[1mNo state file was found${ESC}[0m\n${ESC}[31m╵${ESC}[0m${ESC}[0m\n`,
    "Terraform 1.11": `${ESC}[31mNo state file was found!\n\nState management commands require a state file.${ESC}[0m${ESC}[0m\n`,
  };

  it.each(["local", "pg", "s3", "http"] as const)("a %s backend with no state yet (a first deploy): no state, nothing refused", (backend) => {
    for (const stderr of Object.values(NO_STATE_OUTPUT)) {
      const addresses = stateListAddresses(of(backend), { status: 1, stdout: "", stderr });
      expect(addresses).toBeUndefined();
      expect(nodeRemovalCheck({ clusters: [EAST], deploying: ALL_STACKS, states: { "talos-east-talos": addresses } })).toEqual({ refusals: [], unmapped: [] });
    }
  });

  it("a state that lists nothing, or the removed node's machine, is read as listed", () => {
    expect(stateListAddresses(of("pg"), { status: 0, stdout: "", stderr: "" })).toEqual([]);
    const addresses = stateListAddresses(of("s3"), { status: 0, stdout: `${STATE_WITH_W2.join("\n")}\n`, stderr: "" });
    expect(addresses).toEqual(STATE_WITH_W2);
    expect(nodeRemovalCheck({ clusters: [EAST], deploying: ALL_STACKS, states: { "talos-east-talos": addresses } }).refusals).toHaveLength(1);
  });

  // The real engine on a local backend: its no-state answer must read as no state, a broken state file as an error.
  const engine = localEngine();
  (engineTestsRun(engine) ? it : it.skip)("the engine's own answers on a local backend: no state file, then a broken one", () => {
    const dir = scratchDir();
    fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify({ terraform: { backend: { local: { path: "state/talos-east-talos.tfstate" } } } }));
    // Plain state: no OpenTofu encryption config from the environment.
    const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
    delete env.TF_ENCRYPTION;
    const engineRun = (args: string[]) => spawnSync(engine!, args, { cwd: dir, env, encoding: "utf8" });
    expect(engineRun(["init", "-input=false"]).status).toBe(0);
    const local = { ...of("local"), engine: engine!, dir };
    expect(stateListAddresses(local, engineRun(["state", "list"]))).toBeUndefined();
    fs.mkdirSync(path.join(dir, "state"));
    fs.writeFileSync(path.join(dir, "state", "talos-east-talos.tfstate"), "not a state");
    expect(() => stateListAddresses(local, engineRun(["state", "list"]))).toThrow(StateError);
    expect(() => stateListAddresses(local, engineRun(["state", "list"]))).toThrow(/Failed to load state/);
  });
});
