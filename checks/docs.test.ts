// The docs say what the code does and are current (npm run lint, not npm test:
// this checks text, not behaviour).
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { DOC_FILES, generatedDocs, replaceSectionsIn } from "../tools/docs";
import { resolvedConfig } from "../__tests__/helpers";
import { projectDocs } from "../tools/mesh-docs";

const root = path.join(__dirname, "..");

it("config.schema.json is generated from the current schema (npm run docs)", () => {
  expect(fs.readFileSync(path.join(root, "config.schema.json"), "utf8")).toBe(generatedDocs().jsonSchema);
});

it("the generated sections of the README and docs/ are current (npm run docs)", () => {
  const files = Object.fromEntries(DOC_FILES.map((f) => [f, fs.readFileSync(path.join(root, f), "utf8")]));
  expect(replaceSectionsIn(files, projectDocs().readmeSections)).toEqual(files);
});

it("the README stays short and in user order; the rest is in docs/", () => {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  expect(readme.length).toBeLessThanOrEqual(12 * 1024);
  const headings = readme.split("\n").filter((l) => l.startsWith("## "));
  expect(headings).toEqual(["## The chain", "## Prerequisites", "## Deploy, step by step", "## Config essentials", "## Layout", "## More"]);
  // The layout table names folders that exist.
  for (const folder of ["stacks/", "lib/platform/", "lib/config/", "tools/", "scripts/", "__tests__/", "integration/", "charts/"])
    expect(fs.existsSync(path.join(root, folder))).toBe(true);
  for (const link of readme.match(/\]\((docs\/[^)#]+)/g) ?? []) expect(fs.existsSync(path.join(root, link.slice(2)))).toBe(true);
});

it("docs/config.md documents every config field", () => {
  const readme = fs.readFileSync(path.join(root, "docs", "config.md"), "utf8");
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

describe("what a new user reads first is right (issue 24)", () => {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const section = (heading: string) => readme.split(`\n## ${heading}\n`)[1].split("\n## ")[0];

  it("README step 8 shows what each cluster of the demo mesh sees: every other cluster, not itself", () => {
    const others = resolvedConfig().clusters.length - 1;
    const shown = section("Deploy, step by step").match(/ClusterMesh: +(\d+)\/(\d+) remote clusters ready/);
    expect(shown?.slice(1)).toEqual([String(others), String(others)]);
  });

  it("the prerequisites name every CLI the steps run", () => {
    const steps = section("Deploy, step by step");
    const prerequisites = section("Prerequisites");
    for (const tool of ["kubectl", "talosctl"]) {
      expect({ tool, usedInSteps: new RegExp(`\\b${tool}\\b|TALOSCONFIG`).test(steps) }).toEqual({ tool, usedInSteps: true });
      expect({ tool, listed: prerequisites.includes(`\`${tool}\``) }).toEqual({ tool, listed: true });
    }
  });

  it("docs/validation.md lists each proof CI runs exactly once", () => {
    const validation = fs.readFileSync(path.join(root, "docs", "validation.md"), "utf8");
    const table = validation.split("| check | what it proves |")[1].split("\n\n")[0];
    const checks = table
      .split("\n")
      .filter((l) => l.startsWith("| `"))
      .map((l) => l.split(" | ")[0].slice(2));
    expect(checks.filter((c, i) => checks.indexOf(c) !== i)).toEqual([]);
    const ci = fs.readFileSync(path.join(root, ".ci", "run"), "utf8");
    for (const proof of [
      "npm run validate",
      "npm run proof:talos",
      "npm run proof:chart",
      "npm run proof:plan",
      "npm run proof:apply",
      "npm run proof:state",
    ]) {
      expect({ proof, inCi: ci.includes(proof), listed: checks.filter((c) => c.includes(proof)).length }).toEqual({ proof, inCi: true, listed: 1 });
    }
  });
});

it("docs/operations.md shows a Service annotated as global, the value a string", () => {
  const operations = fs.readFileSync(path.join(root, "docs", "operations.md"), "utf8");
  const section = operations.slice(operations.indexOf("## Global services across the mesh"));
  const blocks = [...section.slice(0, section.indexOf("\n## ", 5)).matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => YAML.parse(m[1]));
  const service = blocks.find((b) => b?.kind === "Service");
  expect(service.metadata.annotations["service.cilium.io/global"]).toBe("true");
  expect(service.spec.selector).toEqual({ app: "echo" });
});
