// Which way imports may point: policies read constructs, never the reverse;
// constructs never read the config (the binding layer maps it to their props),
// and the composition root takes nothing from lib/ but the config's type;
// the house (lib, stacks, tools, scripts, proofs) has no import circle;
// nothing outside the tests (and these checks) imports test code. A check of
// the files, run by npm run lint.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const root = path.join(__dirname, "..");
const tracked = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts", "*.js"], { cwd: root, encoding: "utf8" })
  .split("\n")
  .filter((f) => f && fs.existsSync(path.join(root, f)));
const source = (file: string) => fs.readFileSync(path.join(root, file), "utf8");
/** What a file imports (static, type-only, require and dynamic import), as normalized relative paths; packages are left out. */
const importsIn = (file: string, text: string) =>
  [...text.matchAll(/(?:from |require\(|import\()["']([^"']+)["']/g)]
    .map((m) => m[1])
    .filter((spec) => spec.startsWith("."))
    .map((spec) => path.normalize(path.join(path.dirname(file), spec)));
const imports = (file: string) => importsIn(file, source(file));

/** An import graph: file -> the files of the graph it imports (an import resolved as `x`, `x.ts`, `x.js` or `x/index.ts`). */
type Graph = ReadonlyMap<string, readonly string[]>;
function importGraph(files: readonly string[], importsOf: (f: string) => readonly string[]): Graph {
  const known = new Set(files);
  const resolve = (i: string) => [i, `${i}.ts`, `${i}.js`, path.join(i, "index.ts"), path.join(i, "index.js")].find((c) => known.has(c));
  return new Map(files.map((f) => [f, [...new Set(importsOf(f).flatMap((i) => resolve(i) ?? []))]]));
}

/** Every import circle of a graph: its strongly connected components of more than one file, or a file importing itself (Tarjan). */
function importCircles(graph: Graph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) circles.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return circles;
}

/**
 * The binding layer (with the composition root, stacks/index.ts): the only
 * file outside lib/config that reads the config to build stacks. Every other
 * file of lib/ and stacks/ is a construct (or what one uses) and takes its
 * props flat.
 */
const BINDING_LAYER = ["stacks/index.ts"];
/** Files that import the config but must not: constructs and stacks below the binding layer. */
function configReaders(files: readonly string[], importsOf: (f: string) => readonly string[]): string[] {
  const below = files.filter((f) => (f.startsWith("lib/") && !f.startsWith("lib/config/")) || (f.startsWith("stacks/") && !BINDING_LAYER.includes(f)));
  return below.filter((f) => importsOf(f).some((i) => i === path.join("lib", "config") || i.startsWith(path.join("lib", "config") + path.sep)));
}

const house = tracked.filter((f) => /^(lib|stacks|tools|scripts|proofs)\//.test(f) || f === "main.ts");

describe("import circles", () => {
  it("are found, however long, and a file importing itself is one", () => {
    const g = new Map<string, string[]>([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts"]],
      ["d.ts", ["a.ts", "d.ts"]],
      ["e.ts", []],
    ]);
    expect(importCircles(g)).toEqual([["a.ts", "b.ts", "c.ts"], ["d.ts"]]);
    expect(
      importCircles(
        new Map([
          ["a.ts", ["b.ts"]],
          ["b.ts", []],
        ]),
      ),
    ).toEqual([]);
  });

  it("are read from real import forms: type-only, require, dynamic import, a folder's index", () => {
    const texts: Record<string, string> = {
      "lib/config/schema.ts": 'import { x } from "../platform";',
      "lib/platform/index.ts": 'import type { Y } from "../config/schema";',
      "tools/a.js": 'const b = require("./b");',
      "tools/b.ts": 'export const a = () => import("./a.js");',
    };
    const g = importGraph(Object.keys(texts), (f) => importsIn(f, texts[f]));
    expect(importCircles(g)).toEqual([
      ["lib/config/schema.ts", "lib/platform/index.ts"],
      ["tools/a.js", "tools/b.ts"],
    ]);
  });

  it("the house (lib, stacks, tools, scripts, proofs, main.ts) has none", () => {
    expect(house.length).toBeGreaterThan(100);
    expect(importCircles(importGraph(house, imports))).toEqual([]);
  });
});

describe("constructs never import the config", () => {
  it("a construct or stack that reads lib/config is named (a second binding file too); the binding layer and the config itself may", () => {
    const texts: Record<string, string> = {
      "lib/talos/cluster.ts": 'import { ClusterConfig } from "../config/schema";',
      "lib/config/rules/x.ts": 'import { lbIpam } from "../../cilium/lb-ipam";',
      "stacks/vms-stack.ts": 'import type { MeshConfig } from "../lib/config/schema";',
      "stacks/bindings.ts": 'import { MeshConfig } from "../lib/config/schema";',
      "stacks/index.ts": 'import { MeshConfig } from "../lib/config/schema";',
      "stacks/naming.ts": 'const load = () => require("../lib/config/load");',
      "stacks/extra/helper.ts": 'export const rules = () => import("../../lib/config/rules");',
      "lib/configure.ts": 'import { a } from "./config-like";',
    };
    expect(configReaders(Object.keys(texts), (f) => importsIn(f, texts[f]))).toEqual([
      "lib/talos/cluster.ts",
      "stacks/vms-stack.ts",
      "stacks/bindings.ts",
      "stacks/naming.ts",
      "stacks/extra/helper.ts",
    ]);
  });

  it("holds for every file of lib/ and stacks/", () => {
    expect(BINDING_LAYER.every((f) => tracked.includes(f))).toBe(true);
    expect(configReaders(tracked, imports)).toEqual([]);
  });
});

it("no production file imports from the tests", () => {
  const production = tracked.filter((f) => !f.startsWith("__tests__/") && !f.startsWith("checks/") && !f.startsWith(".gen/"));
  const offenders = production.filter((f) => imports(f).some((i) => i.startsWith("__tests__")));
  expect(offenders).toEqual([]);
});

it("no construct in lib/ imports a policy rule or the pack (only the runner that applies them does); they may acknowledge a rule", () => {
  const constructs = tracked.filter((f) => f.startsWith("lib/") && !f.startsWith("lib/aspects/"));
  const acknowledge = path.join("lib", "aspects", "acknowledge");
  const offenders = constructs.filter((f) => imports(f).some((i) => i.startsWith(path.join("lib", "aspects")) && i !== acknowledge));
  expect(offenders).toEqual([]);
  // The acknowledgement API itself reads no rule (constructs reach the rules through it otherwise).
  const own = [...fs.readFileSync(path.join(root, "lib/aspects/acknowledge.ts"), "utf8").matchAll(/from ["'](\.\/[^"']+)["']/g)].map((m) => m[1]);
  expect(own).toEqual(["./rule"]);
});

it("nothing the project ships knows about the proofs' harness (only tests may read proofs/)", () => {
  const shipped = tracked.filter((f) => !f.startsWith("__tests__/") && !f.startsWith("checks/") && !f.startsWith("proofs/"));
  const offenders = shipped.filter((f) => imports(f).some((i) => i.startsWith("proofs")));
  expect(offenders).toEqual([]);
});

it("the proofs live in proofs/, in TypeScript on the shared proofs/lib/proof.ts; scripts/ keeps the user's commands", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
  const proofScripts = Object.entries(pkg.scripts).filter(([name]) => name === "validate" || name.startsWith("proof:"));
  expect(proofScripts.map(([name]) => name).sort()).toEqual([
    "proof:apply",
    "proof:chart",
    "proof:guards",
    "proof:plan",
    "proof:state",
    "proof:talos",
    "validate",
  ]);
  // Each runs a file of proofs/, TypeScript compiled into dist/proofs/: no proof is a shell script.
  for (const [name, command] of proofScripts)
    expect({ name, command }).toEqual({ name, command: expect.stringMatching(/^tsc -b && node dist\/proofs\/[a-z]+\.js$/) });
  expect(tracked.filter((f) => /^proofs\/[^/]+\.(sh|js)$/.test(f))).toEqual([]);
  const entries = tracked.filter((f) => /^proofs\/[^/]+\.ts$/.test(f));
  expect(entries.filter((f) => !imports(f).includes(path.join("proofs", "lib", "proof")))).toEqual([]);
  expect(tracked.filter((f) => /^scripts\/.*proof/.test(f))).toEqual([]);
});
