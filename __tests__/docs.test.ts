import * as fs from "fs";
import * as path from "path";
import { TerraformStack, Testing } from "cdktf";
import { stackGraphMermaid } from "../lib/graph";
import { generatedDocs, replaceSections } from "../lib/docs";
import { meshGraph } from "../stacks/graph";

const root = path.join(__dirname, "..");

it("config.schema.json is generated from the current schema (npm run docs)", () => {
  expect(fs.readFileSync(path.join(root, "config.schema.json"), "utf8")).toBe(generatedDocs().jsonSchema);
});

it("the README's generated sections are current (npm run docs)", () => {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  expect(readme).toBe(replaceSections(readme, generatedDocs({ "stack-graph": meshGraph({}) }).readmeSections));
});

it("the README documents every config field", () => {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  for (const field of ["clusters[].network.podSubnet", "clusters[].platform.extraReleases[].secretValues", "proxmox.apiToken", "versions.cilium"]) {
    expect(readme).toContain(`| \`${field}\` |`);
  }
});

it("the README starts with the two commands CI runs", () => {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const ci = fs.readFileSync(path.join(root, ".ci", "run"), "utf8");
  expect(readme.split("\n").slice(3, 5)).toEqual([
    "npm ci && npm run synth    # install, then synthesize the embedded default mesh into cdktf.out/",
    "npm test                   # type-check and run the tests (runs npm ci first if needed)",
  ]);
  expect(ci).toMatch(/^npm ci /m);
  expect(ci).toMatch(/^npm test$/m);
  expect(ci).toMatch(/^npm run synth$/m);
});

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
