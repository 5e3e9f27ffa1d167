// The state-address contract: per stack kind, every managed resource of that
// kind's stacks in the fixture syntheses, as `<resource type> <construct
// path>`. Terraform keys state by `<type>.<logical id>`, and cdktf derives the
// id from the construct path, so a renamed construct (or stack) is a resource
// Terraform destroys and creates anew. The contract files beside this test
// (<kind>.state) say what is promised; a rename fails here, saying so, before
// it fails as a snapshot diff.
//
// A deliberate change: AGGRIK8S_UPDATE_CONTRACTS=1 npx jest __tests__/contracts
// rewrites the files; their diff is the review.
import * as fs from "fs";
import * as path from "path";
import { MeshConfig } from "../../lib/config/schema";
import { FIXTURE_NAMES, FixtureStack, STACK_KIND_NAMES, fixture } from "../fixtures";

const UPDATE = process.env.AGGRIK8S_UPDATE_CONTRACTS === "1";
const contractFile = (kind: string) => path.join(__dirname, `${kind}.state`);

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** Replaces each name, longest first, where it stands whole (not inside a longer name). */
const replaceNames = (text: string, names: Iterable<string>, by: (name: string) => string) =>
  [...new Set(names)]
    .sort((a, b) => b.length - a.length)
    .reduce((t, n) => t.replace(new RegExp(`(?<![A-Za-z0-9])${escape(n)}(?![A-Za-z0-9])`, "g"), by(n)), text);

/**
 * A path with the config's own names as placeholders: each node as <node>,
 * each Proxmox node as <pve>, the stack's name as <stack>, its cluster as
 * <cluster> and every other cluster as <peer> (for a mesh stack, every
 * cluster is <cluster>). What is left is what the code names.
 */
function normalizer(stack: FixtureStack, config: MeshConfig): (text: string) => string {
  const nodes = config.clusters.flatMap((c) => [...c.controlPlane.nodes, ...c.workers.nodes]);
  const clusters = config.clusters.map((c) => c.name);
  return (text) => {
    let t = replaceNames(text, [stack.name], () => "<stack>");
    t = replaceNames(
      t,
      nodes.map((n) => n.name),
      () => "<node>",
    );
    t = replaceNames(
      t,
      nodes.map((n) => n.proxmoxNode),
      () => "<pve>",
    );
    return replaceNames(t, clusters, (c) => (stack.cluster === undefined || c === stack.cluster ? "<cluster>" : "<peer>"));
  };
}

interface Contract {
  /** `stack <name pattern>`, `state <backend>` and one `<type> <path>` line per resource, sorted, each with the fixtures that have it. */
  readonly lines: Map<string, Set<string>>;
}

/** What the fixtures synthesize for a stack kind, as contract lines. */
function actual(kind: string): Contract {
  const lines = new Map<string, Set<string>>();
  const add = (line: string, where: string) => lines.set(line, (lines.get(line) ?? new Set()).add(where));
  for (const name of FIXTURE_NAMES) {
    const f = fixture(name);
    const config = f.config();
    for (const stack of f.stacks.filter((s) => s.kind === kind)) {
      const norm = normalizer(stack, config);
      add(`stack ${stack.cluster === undefined ? stack.name : stack.name.split(stack.cluster).join("<cluster>")}`, name);
      add(`state ${norm(JSON.stringify(f.json(stack.name).terraform?.backend ?? null))}`, name);
      for (const r of stack.resources) add(`${r.type} ${norm(r.path)}${r.derivedFromPath ? "" : ` = ${norm(r.id)}`}`, name);
    }
  }
  return { lines };
}

const HEADER = (kind: string) =>
  [
    `# State-address contract of the ${kind} stack kind (__tests__/contracts/state-addresses.test.ts).`,
    "# Every managed resource of its stacks in the fixture syntheses, as `<resource type> <construct path below the",
    "# stack>` (then ` = <id>` where the logical id is overridden rather than derived from the path), and after `#` the",
    "# fixtures that have it. Names from the config are placeholders: <stack> the stack, <cluster> its cluster, <peer>",
    "# another cluster, <node> a node, <pve> a Proxmox node. Terraform keys state by `<type>.<logical id>` and cdktf",
    "# derives the id from the construct path: a line that changes is a resource destroyed and created anew. Keep the",
    "# construct id, or move the state (a `moved` block: moveFromId/moveTo). A deliberate change:",
    "# AGGRIK8S_UPDATE_CONTRACTS=1 npx jest __tests__/contracts, then review this file's diff.",
  ].join("\n");

function render(kind: string, c: Contract): string {
  const order = (l: string) => (l.startsWith("stack ") ? 0 : l.startsWith("state ") ? 1 : 2);
  const lines = [...c.lines.entries()].sort(([a], [b]) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0));
  const width = Math.max(...lines.map(([l]) => l.length));
  return `${HEADER(kind)}\n${lines.map(([l, where]) => `${l.padEnd(width)}  # ${[...where].join(" ")}`).join("\n")}\n`;
}

function parseContract(text: string): Contract {
  const lines = new Map<string, Set<string>>();
  for (const raw of text.split("\n")) {
    if (raw.startsWith("#") || raw.trim() === "") continue;
    const [line, where = ""] = raw.split(/\s+# /);
    lines.set(line.trim(), new Set(where.trim().split(/\s+/).filter(Boolean)));
  }
  return { lines };
}

/** Why the synthesized addresses break the contract, one sentence each; empty when they keep it. */
export function breaches(kind: string, promised: Contract, found: Contract): string[] {
  const out: string[] = [];
  for (const [line, where] of promised.lines) {
    const now = found.lines.get(line) ?? new Set<string>();
    const gone = [...where].filter((w) => !now.has(w));
    if (gone.length === 0) continue;
    const what = line.startsWith("stack ")
      ? `stack name ${line.slice(6)} of stack kind ${kind} would move: every state of that kind would be left behind under the old name; a stack rename is a breaking change (keep the name)`
      : line.startsWith("state ")
        ? `state location ${line.slice(6)} of stack kind ${kind} would move: a changed backend key is a breaking change (keep it, or migrate the state)`
        : `state address \`${line}\` of stack kind ${kind} would move/be destroyed: a rename is a breaking change (add a \`moved\` block / keep the id)`;
    out.push(`${what} [gone from fixture ${gone.join(", ")}]`);
  }
  for (const [line, where] of found.lines) {
    const before = promised.lines.get(line) ?? new Set<string>();
    const added = [...where].filter((w) => !before.has(w));
    if (added.length > 0)
      out.push(
        `new state address \`${line}\` of stack kind ${kind} [fixture ${added.join(", ")}] is not in __tests__/contracts/${kind}.state: add it (AGGRIK8S_UPDATE_CONTRACTS=1 npx jest __tests__/contracts) so a later rename of it is caught`,
      );
  }
  return out;
}

describe("state-address contract", () => {
  it("has one contract file per stack kind of the naming registry, and no other", () => {
    const files = fs
      .readdirSync(__dirname)
      .filter((f) => f.endsWith(".state"))
      .map((f) => f.replace(/\.state$/, ""));
    if (UPDATE) for (const f of files.filter((f) => !STACK_KIND_NAMES.includes(f))) fs.rmSync(contractFile(f));
    else expect(files.sort()).toEqual([...STACK_KIND_NAMES].sort());
  });

  it("covers every resource block of every fixture stack (none added past the construct tree)", () => {
    for (const name of FIXTURE_NAMES) {
      const f = fixture(name);
      for (const s of f.stacks) {
        const json = f.json(s.name);
        const inJson = Object.entries(json.resource ?? {}).flatMap(([type, byId]) => Object.keys(byId as object).map((id) => `${type}.${id}`));
        expect({ stack: `${name}/${s.name}`, addresses: inJson.sort() }).toEqual({
          stack: `${name}/${s.name}`,
          addresses: s.resources.map((r) => `${r.type}.${r.id}`).sort(),
        });
      }
    }
  });

  it.each(STACK_KIND_NAMES)("of %s: every state address the contract names is still there, and every one there is named", (kind) => {
    const found = actual(kind);
    expect(found.lines.size).toBeGreaterThan(0);
    if (UPDATE) {
      fs.writeFileSync(contractFile(kind), render(kind, found));
      return;
    }
    const file = contractFile(kind);
    if (!fs.existsSync(file))
      throw new Error(`stack kind ${kind} has no state-address contract: AGGRIK8S_UPDATE_CONTRACTS=1 npx jest __tests__/contracts writes ${file}`);
    const problems = breaches(kind, parseContract(fs.readFileSync(file, "utf8")), found);
    if (problems.length > 0) throw new Error(problems.join("\n"));
  });
});
