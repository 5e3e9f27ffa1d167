// `npm run bench`: what synth, the tests and validate cost as the mesh grows,
// measured on this machine in one run (median of several repetitions, peak
// resident memory from GNU time). Prints a table and writes
// bench/results/latest.json. A benchmark, not a test: it never fails on a
// figure, but it fails (exit 1, naming the case) when a case cannot run.
// Every case runs compiled JavaScript with plain node (dist/, built by the
// `tsc -b` that `npm run bench` starts with), the floor and main.ts alike.
//
// `npm run bench -- --instructions` also counts the instructions each synth
// case executes (valgrind's cachegrind, ~50x slower, one counted run each).
// Wall time on a shared 2-core machine moved 10-20% between identical runs;
// instruction counts repeat within 1%, so they are what to compare when a
// change is smaller than the noise.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { generatedMesh } from "../bench/mesh-config";
import { cli } from "../scripts/lib/cli";

import { compiled, repoRoot as root } from "./lib/proof";
const reps = Number(process.env.BENCH_REPS ?? 3);
const { values: flags } = cli({
  name: "bench",
  summary:
    "Times synth (and its floor), the tests, validate and a whole-mesh diff on this machine; prints every target as met or missed (BENCH_REPS repetitions, default 3). Exits 1, naming the case, when a case cannot run.",
  options: {
    instructions: { type: "boolean", description: "also count instructions with valgrind (stable where wall time is noisy)" },
    only: { type: "string", description: "time only these cases (ids, comma-separated, e.g. floor,main) and print their table and ratios" },
  },
});
const countInstructions = Boolean(flags.instructions);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "aggrik8s-bench-"));
const TIME = "/usr/bin/time";
if (!fs.existsSync(TIME)) {
  console.error("bench: GNU time (/usr/bin/time) is needed for peak memory: apt-get install time");
  process.exit(1);
}

if (countInstructions && spawnSync("valgrind", ["--version"]).status !== 0) {
  console.error("bench: --instructions needs valgrind on PATH: apt-get install valgrind");
  process.exit(1);
}

interface Row {
  readonly id: string;
  readonly name: string;
  readonly seconds: number;
  readonly peakMiB: number;
  readonly runs: number[];
  readonly megaInstructions?: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function measure(id: string, name: string, cmd: string[], env: Record<string, string> = {}, times = reps, warmUp = true): Row {
  const runs: number[] = [];
  const peaks: number[] = [];
  // One untimed run first (i = -1): warm caches (the OS page cache).
  for (let i = warmUp ? -1 : 0; i < times; i++) {
    const out = path.join(scratch, `out-${name.replace(/\W+/g, "_")}-${i}`);
    // Wall time from our own clock: GNU time's %e has 10 ms steps, too coarse for a 0.1 s synth.
    const started = process.hrtime.bigint();
    const r = spawnSync(TIME, ["-f", "%M", ...cmd], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, CDKTF_OUTDIR: out, CHECKPOINT_DISABLE: "1", ...env },
    });
    const secs = Number(process.hrtime.bigint() - started) / 1e9;
    if (r.status !== 0) throw new Error(`bench: ${name} failed:\n${r.stderr.slice(-2000)}`);
    const kib = Number(r.stderr.trim().split("\n").pop());
    if (i >= 0) {
      runs.push(Number(secs.toFixed(3)));
      peaks.push(kib / 1024);
    }
    fs.rmSync(out, { recursive: true, force: true });
  }
  const row = { id, name, seconds: median(runs), peakMiB: Math.max(...peaks), runs };
  console.error(`bench: ${name}: ${row.seconds.toFixed(2)} s, ${row.peakMiB.toFixed(0)} MiB`);
  return row;
}

/**
 * Millions of instructions one run executes (all threads), from cachegrind.
 * Run twice, counting the second (the first warms the OS page cache).
 * Node runs with --predictable (no background compiler threads): without it,
 * counts of one app moved by up to 4% from run to run; with it, not at all.
 */
function instructions(name: string, cmd: string[], env: Record<string, string> = {}): number {
  if (cmd[0] !== "node") throw new Error(`bench: counting ${name}: its command must start with node, not ${cmd[0]}`);
  let count = NaN;
  for (let i = 0; i < 2; i++) {
    const out = path.join(scratch, `ir-${name.replace(/\W+/g, "_")}-${i}`);
    const r = spawnSync(
      "valgrind",
      ["--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", "--smc-check=all", "node", "--predictable", ...cmd.slice(1)],
      {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, CDKTF_OUTDIR: out, CHECKPOINT_DISABLE: "1", ...env },
      },
    );
    if (r.status !== 0) throw new Error(`bench: ${name} under valgrind failed:\n${r.stderr.slice(-2000)}`);
    const refs = /I\s+refs:\s+([\d,]+)/.exec(r.stderr);
    if (!refs) throw new Error(`bench: no instruction count in valgrind's output for ${name}`);
    count = Number(refs[1].replace(/,/g, "")) / 1e6;
    fs.rmSync(out, { recursive: true, force: true });
  }
  console.error(`bench: ${name}: ${count.toFixed(0)} M instructions`);
  return count;
}

function meshFile(n: number): string {
  const file = path.join(scratch, `mesh-${n}.yaml`);
  fs.writeFileSync(file, YAML.stringify(generatedMesh(n)));
  return file;
}

// Synth runs an app's compiled JavaScript with plain node, as cdktf.json's app command does.
const app = (entry: string): string[] => ["node", path.relative(root, compiled(entry))];
const defaultMesh = { AGGRIK8S_CONFIG: "" };

/** Synthesizes `entry` once into a folder of the scratch dir and returns it (the floor's input, sizes). */
function synthOnce(entry: string, env: Record<string, string>, name: string): string {
  const out = path.join(scratch, name);
  const r = spawnSync("node", [compiled(entry)], { cwd: root, encoding: "utf8", env: { ...process.env, ...env, CDKTF_OUTDIR: out } });
  if (r.status !== 0) throw new Error(`bench: synth of ${name} failed:\n${r.stderr}`);
  return out;
}
const bytesUnder = (dir: string): number =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .reduce((a, e) => a + (e.isDirectory() ? bytesUnder(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).size), 0);

// The floor: plain cdktf declaring exactly the JSON main.ts writes for the default mesh.
const floorFrom = mustRun("the floor's input (main.ts on the default mesh, once)", () => synthOnce("main.ts", defaultMesh, "floor-from"));

interface Case {
  /** What the ratios and targets below refer to it by. */
  readonly id: string;
  readonly name: string;
  readonly cmd: string[];
  readonly env?: Record<string, string>;
  /** Timed repetitions. @default - BENCH_REPS */
  readonly times?: number;
  /** One untimed run first. @default true */
  readonly warmUp?: boolean;
  /** Also counted with --instructions. */
  readonly synth?: boolean;
}
const mesh255 = meshFile(255);
const cases: Case[] = [
  {
    id: "floor",
    name: "floor: the default mesh's JSON through plain cdktf",
    cmd: app("bench/floor-app.ts"),
    env: { FLOOR_FROM: floorFrom },
    synth: true,
  },
  { id: "main", name: "main.ts, default mesh (12 stacks)", cmd: app("main.ts"), env: defaultMesh, synth: true },
  { id: "all2", name: "every stack, 2 generated clusters", cmd: app("bench/all-stacks-app.ts"), env: { AGGRIK8S_CONFIG: meshFile(2) }, synth: true },
  { id: "all8", name: "every stack, 8 clusters", cmd: app("bench/all-stacks-app.ts"), env: { AGGRIK8S_CONFIG: meshFile(8) }, synth: true },
  { id: "all32", name: "every stack, 32 clusters", cmd: app("bench/all-stacks-app.ts"), env: { AGGRIK8S_CONFIG: meshFile(32) }, synth: true },
  // ClusterMesh's upper bound (maxConnectedClusters 255); fewer repetitions, it takes seconds.
  { id: "all255", name: "every stack, 255 clusters", cmd: app("bench/all-stacks-app.ts"), env: { AGGRIK8S_CONFIG: mesh255 }, times: Math.min(reps, 3) },
  // What an operator waits for: the README's main command, and the same synth through the cdktf CLI.
  { id: "npmSynth", name: "npm run synth (with npm's own start)", cmd: ["npm", "run", "synth", "--silent"], env: defaultMesh },
  {
    id: "cliSynth",
    name: "cdktf synth (the cdktf CLI, same output)",
    cmd: ["npx", "cdktf", "synth", "--output", path.join(scratch, "cli-out")],
    env: defaultMesh,
    times: 3,
  },
  // Once each, no untimed run first (they take seconds): "warm" means dependencies, jest's cache and the provider mirror are in place.
  { id: "test", name: "npm test (warm)", cmd: ["npm", "test", "--silent"], times: 1, warmUp: false },
  { id: "validate", name: "npm run validate (warm cache)", cmd: app("proofs/validate.ts"), times: 1, warmUp: false },
];
const only = flags.only === undefined ? undefined : String(flags.only).split(",");
const unknownCase = only?.find((id) => !cases.some((c) => c.id === id));
if (unknownCase !== undefined) {
  console.error(`bench: --only names no case "${unknownCase}"; the cases: ${cases.map((c) => c.id).join(", ")}`);
  process.exit(2);
}
const selected = only ? cases.filter((c) => only.includes(c.id)) : cases;
/** A case that cannot run ends the bench (exit 1) with its name: a figure left out would read as measured. */
function mustRun<T>(name: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    console.error(`bench: the case "${name}" could not run, so nothing is reported:\n${e instanceof Error ? e.message : String(e)}`);
    fs.rmSync(scratch, { recursive: true, force: true });
    process.exit(1);
  }
}
const timed = selected.map((c) => mustRun(c.name, () => measure(c.id, c.name, c.cmd, c.env, c.times, c.warmUp)));
// Counted after all timed runs: counting leaves code caches made under valgrind, which the next native run replaces.
const rows: Row[] = countInstructions
  ? [
      {
        id: "bareNode",
        name: "node -e 0 (node's own start, no synth)",
        seconds: NaN,
        peakMiB: NaN,
        runs: [],
        megaInstructions: instructions("bare node", ["node", "-e", "0"]),
      },
      ...timed.map((r, i) =>
        selected[i].synth ? { ...r, megaInstructions: mustRun(r.name, () => instructions(r.name, selected[i].cmd, selected[i].env)) } : r,
      ),
    ]
  : timed;

const cell = (x: number | undefined, digits: number) => (x === undefined || Number.isNaN(x) ? "" : x.toFixed(digits));
function printRows(): void {
  console.log(`| case | median s | peak MiB |${countInstructions ? " M instructions |" : ""}`);
  console.log(`| --- | --- | --- |${countInstructions ? " --- |" : ""}`);
  for (const r of rows) {
    console.log(`| ${r.name} | ${cell(r.seconds, 3)} | ${cell(r.peakMiB, 0)} |${countInstructions ? ` ${cell(r.megaInstructions, 0)} |` : ""}`);
  }
}
if (only) {
  // A subset: its table, and the synth ratio when both its cases ran; no targets.
  printRows();
  const main = rows.find((r) => r.id === "main");
  const floor = rows.find((r) => r.id === "floor");
  if (main && floor)
    console.log(`main.ts synth / floor: ${(main.seconds / floor.seconds).toFixed(2)} (runs: main ${main.runs.join(", ")}; floor ${floor.runs.join(", ")})`);
  fs.rmSync(scratch, { recursive: true, force: true });
  process.exit(0);
}

const by = (id: string): Row => {
  const row = rows.find((r) => r.id === id);
  if (!row) throw new Error(`bench: no case with id ${id}`);
  return row;
};
const ratios: Record<string, number> = {
  "main.ts synth / floor": by("main").seconds / by("floor").seconds,
  "32-cluster / 2-cluster synth": by("all32").seconds / by("all2").seconds,
  "255-cluster / 32-cluster synth": by("all255").seconds / by("all32").seconds,
  "cdktf synth / npm run synth": by("cliSynth").seconds / by("npmSynth").seconds,
};
if (countInstructions) {
  const bare = by("bareNode").megaInstructions!;
  const floor = by("floor").megaInstructions!;
  const main = by("main").megaInstructions!;
  ratios["main.ts / floor, instructions"] = main / floor;
  ratios["main.ts / floor, instructions beyond node's own start"] = (main - bare) / (floor - bare);
}

// Growth per cluster, between 32 and 255 clusters.
const size32 = mustRun("cdktf.out size, 32 clusters", () => bytesUnder(synthOnce("bench/all-stacks-app.ts", { AGGRIK8S_CONFIG: meshFile(32) }, "size-32")));
const size255 = mustRun("cdktf.out size, 255 clusters", () => bytesUnder(synthOnce("bench/all-stacks-app.ts", { AGGRIK8S_CONFIG: mesh255 }, "size-255")));
const growth = {
  secondsPerCluster: (by("all255").seconds - by("all32").seconds) / (255 - 32),
  kibPerCluster: (size255 - size32) / 1024 / (255 - 32),
  mib255: size255 / 2 ** 20,
};

// Whole-mesh diff: the plan proof times it against the slowest single plan (needs the provider mirror).
const timingFile = path.join(scratch, "diff-timing.json");
const PLAN_PROOF = "proofs/plan.ts";
const diff = mustRun("whole-mesh diff (the plan proof)", () => {
  const proof = spawnSync("node", [compiled(PLAN_PROOF)], { cwd: root, encoding: "utf8", env: { ...process.env, AGGRIK8S_DIFF_TIMING: timingFile } });
  if (proof.error) throw proof.error;
  if (proof.status !== 0 || !fs.existsSync(timingFile)) {
    throw new Error(
      `node ${path.relative(root, compiled(PLAN_PROOF))} exited ${proof.status} without timing the diff:\n${`${proof.stderr}${proof.stdout}`.trim().split("\n").slice(-15).join("\n")}`,
    );
  }
  return JSON.parse(fs.readFileSync(timingFile, "utf8")) as { diffSeconds: number; slowestSeconds: number; ratio: number; sequential: number; stacks: number };
});

// The critical path of the three-cluster example.
const critical = mustRun("deploy critical path (npm run graph)", () => {
  const graph = spawnSync("node", [compiled("scripts/graph.ts")], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, AGGRIK8S_CONFIG: path.join(root, "examples", "three-clusters.yaml") },
  });
  const found = /critical path \((\d+) stacks/.exec(graph.stdout)?.[1];
  if (graph.status !== 0 || found === undefined) throw new Error(`npm run graph exited ${graph.status} with no critical path:\n${graph.stderr}${graph.stdout}`);
  return Number(found);
});

// The targets of the performance issue (#18), stated next to the figures.
const targets = [
  { target: "main.ts synth <= 1.5 x floor (wall time)", met: ratios["main.ts synth / floor"] <= 1.5 },
  ...(countInstructions ? [{ target: "main.ts synth <= 1.5 x floor (instructions)", met: ratios["main.ts / floor, instructions"] <= 1.5 }] : []),
  { target: "255-cluster synth <= 10 x 32-cluster", met: ratios["255-cluster / 32-cluster synth"] <= 10 },
  { target: "255-cluster peak memory <= 1.5 GiB", met: by("all255").peakMiB <= 1536 },
  { target: "whole-mesh diff (three-cluster example) <= 2 x slowest single stack plan", met: diff.ratio <= 2 },
  { target: "deploy critical path <= 4 stacks", met: critical <= 4 },
  { target: "npm test (warm) <= 60 s", met: by("test").seconds <= 60 },
];
const result = {
  date: new Date().toISOString(),
  machine: `${os.cpus().length} cpu, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
  reps,
  rows,
  ratios,
  growth,
  diff,
  critical,
  targets,
};
fs.mkdirSync(path.join(root, "bench", "results"), { recursive: true });
fs.writeFileSync(path.join(root, "bench", "results", "latest.json"), JSON.stringify(result, null, 2));

printRows();
for (const [k, v] of Object.entries(ratios)) console.log(`${k}: ${v.toFixed(2)}`);
console.log(
  `growth from 32 to 255 clusters: ${growth.secondsPerCluster.toFixed(3)} s and ${growth.kibPerCluster.toFixed(0)} KiB of cdktf.out per cluster (255 clusters: ${growth.mib255.toFixed(0)} MiB)`,
);
console.log(
  `whole-mesh diff: ${diff.stacks} stacks in ${diff.diffSeconds.toFixed(2)} s, slowest single plan ${diff.slowestSeconds.toFixed(2)} s (${diff.ratio.toFixed(2)}x), all single plans in sequence ${diff.sequential.toFixed(2)} s`,
);
console.log(`deploy critical path: ${critical} stacks`);
for (const t of targets) console.log(`target ${t.target}: ${t.met ? "met" : "MISSED"}`);
fs.rmSync(scratch, { recursive: true, force: true });
