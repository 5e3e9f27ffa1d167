import { TerraformStack, Testing } from "cdktf";
import { stackGraphMermaid } from "../../tools/graph";

describe("stack graph", () => {
  it("draws every stack buildMesh creates, grouped by cluster, with dependency edges", () => {
    const app = Testing.app();
    const ca = new TerraformStack(app, "mesh-ca");
    const east = new TerraformStack(app, "talos-east-cilium");
    east.addDependency(ca);
    expect(stackGraphMermaid(app, ["talos-east"]).split("\n")).toEqual([
      "```mermaid",
      "flowchart LR",
      '  mesh_ca["mesh-ca"]',
      '  subgraph talos_east["cluster talos-east"]',
      '    talos_east_cilium["talos-east-cilium"]',
      "  end",
      "  mesh_ca --> talos_east_cilium",
      "```",
    ]);
  });
});
