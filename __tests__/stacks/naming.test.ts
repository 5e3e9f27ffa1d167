// The registry of stack kinds: names built and read back from one list.
import { App, TerraformStack } from "cdktf";
import { CLUSTER_STACK_KINDS, MESH_STACK_KINDS, STACK_KINDS, clusterOfStack, kindOf, meshStackNames, parseStackName } from "../../stacks/naming";
import { deploySchedule } from "../../tools/graph";
import { meshApp, resolvedConfig, scratchDir } from "../helpers";

describe("stack kinds registry", () => {
  it("names every stack buildMesh creates, in construction order", () => {
    const stacks = meshApp(resolvedConfig())
      .app.node.findAll()
      .filter(TerraformStack.isStack)
      .map((s) => s.node.id);
    expect(stacks).toEqual(meshStackNames(["talos-east", "talos-west"]));
    expect([...MESH_STACK_KINDS, ...CLUSTER_STACK_KINDS].sort()).toEqual(Object.keys(STACK_KINDS).sort());
  });

  it("reads a name back exactly, so a cluster named like another's prefix keeps its own stacks", () => {
    const clusters = ["east", "east-2"];
    expect(parseStackName("east-2-vms", clusters)).toEqual({ kind: "vms", cluster: "east-2" });
    expect(parseStackName("east-vms", clusters)).toEqual({ kind: "vms", cluster: "east" });
    expect(parseStackName("mesh-ca", clusters)).toEqual({ kind: "mesh-ca" });
    expect(parseStackName("east-*", clusters)).toBeUndefined();
    expect(parseStackName("east-2-nope", clusters)).toBeUndefined();
    expect(clusterOfStack("mesh-credentials", clusters)).toBeUndefined();
    expect(kindOf("east-2-vms", clusters)).toBe(STACK_KINDS.vms);
    expect(kindOf("east-2-talos", clusters)?.proxmoxApi).toBeUndefined();
  });

  it("the deploy schedule groups by the registry, not by name prefix", () => {
    const app = new App({ outdir: scratchDir() });
    ["east-vms", "east-2-vms"].forEach((n) => new TerraformStack(app, n));
    // With a prefix match, east-2-vms went to the cluster "east".
    expect(deploySchedule(app, ["east", "east-2"]).clusters).toEqual([
      { cluster: "east", stacks: ["east-vms"] },
      { cluster: "east-2", stacks: ["east-2-vms"] },
    ]);
  });
});
