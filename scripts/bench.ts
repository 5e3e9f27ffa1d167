// `npm run bench`: what synth, the tests and validate cost as the mesh grows,
// measured on this machine in one run (median of several repetitions, peak
// resident memory from GNU time). Prints a table and writes
// bench/results/latest.json. A benchmark, not a test: it never fails on a figure.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { generatedMesh } from "../bench/mesh-config";

const root = path.resolve(__dirname, "..");
const reps = Number(process.env.BENCH_REPS ?? 3);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "aggrik8s-bench-"));
const TIME = "/usr/bin/time";
if (!fs.existsSync(TIME)) {
  console.error("bench: GNU time (/usr/bin/time) is needed for peak memory: apt-get install time");
  process.exit(1);
}

interface Row { readonly name: string; readonly seconds: number; readonly peakMiB: number; readonly runs: number[] }

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function measure(name: string, cmd: string[], env: Record<string, string> = {}, times = reps): Row {
  const runs: number[] = [];
  const peaks: number[] = [];
  // One untimed run first (i = -1): warm caches (the bundle, tsx's transform cache, the OS page cache).
  for (let i = times > 1 ? -1 : 0; i < times; i++) {
    const out = path.join(scratch, `out-${name.replace(/\W+/g, "_")}-${i}`);
    const r = spawnSync(TIME, ["-f", "%e %M", ...cmd], { cwd: root, encoding: "utf8", env: { ...process.env, CDKTF_OUTDIR: out, CHECKPOINT_DISABLE: "1", ...env } });
    if (r.status !== 0) throw new Error(`bench: ${name} failed:\n${r.stderr.slice(-2000)}`);
    const [secs, kib] = r.stderr.trim().split("\n").pop()!.split(" ").map(Number);
    if (i >= 0) {
      runs.push(secs);
      peaks.push(kib / 1024);
    }
    fs.rmSync(out, { recursive: true, force: true });
  }
  const row = { name, seconds: median(runs), peakMiB: Math.max(...peaks), runs };
  console.error(`bench: ${name}: ${row.seconds.toFixed(2)} s, ${row.peakMiB.toFixed(0)} MiB`);
  return row;
}

function meshFile(n: number): string {
  const file = path.join(scratch, `mesh-${n}.yaml`);
  fs.writeFileSync(file, YAML.stringify(generatedMesh(n)));
  return file;
}

// How synth runs TypeScript, chosen by measurement: cdktf.json's app command
// uses the esbuild bundle; tsx (transform per file, source maps on) is the
// previous runner, measured for comparison on the same cases.
const bundle = ["node", "scripts/run-ts.js"];
const tsx = ["node", "--require", "tsx/cjs"];
const rows: Row[] = [
  measure("floor: bindings only, one resource each (bundle)", [...bundle, "bench/floor-app.ts"]),
  measure("floor (tsx)", [...tsx, "bench/floor-app.ts"]),
  measure("main.ts, default mesh: mesh-ca + 2 vms stacks (bundle)", [...bundle, "main.ts"], { AGGRIK8S_CONFIG: "" }),
  measure("main.ts, default mesh (tsx)", [...tsx, "main.ts"], { AGGRIK8S_CONFIG: "" }),
  measure("all stack kinds, default mesh (2 clusters, bundle)", [...bundle, "bench/all-stacks-app.ts"], { AGGRIK8S_CONFIG: "" }),
  measure("all stack kinds, 8 clusters (bundle)", [...bundle, "bench/all-stacks-app.ts"], { AGGRIK8S_CONFIG: meshFile(8) }),
  measure("all stack kinds, 32 clusters (bundle)", [...bundle, "bench/all-stacks-app.ts"], { AGGRIK8S_CONFIG: meshFile(32) }),
  measure("npm test (warm)", ["npm", "test", "--silent"], {}, 1),
  measure("npm run validate (warm cache)", ["node", "scripts/validate.js", "--allow-skip"], {}, 1),
];
const by = (prefix: string) => rows.find((r) => r.name.startsWith(prefix))!;
const ratios = {
  "main.ts synth / floor (bundle)": by("main.ts, default mesh:").seconds / by("floor: bindings").seconds,
  "main.ts synth / floor (tsx)": by("main.ts, default mesh (tsx)").seconds / by("floor (tsx)").seconds,
  "all stack kinds synth / floor (bundle)": by("all stack kinds, default").seconds / by("floor: bindings").seconds,
  "32-cluster / 2-cluster synth": by("all stack kinds, 32").seconds / by("all stack kinds, default").seconds,
};
const result = { date: new Date().toISOString(), machine: `${os.cpus().length} cpu, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`, reps, rows, ratios };
fs.mkdirSync(path.join(root, "bench", "results"), { recursive: true });
fs.writeFileSync(path.join(root, "bench", "results", "latest.json"), JSON.stringify(result, null, 2));
console.log(`| case | median s | peak MiB |\n| --- | --- | --- |`);
for (const r of rows) console.log(`| ${r.name} | ${r.seconds.toFixed(2)} | ${r.peakMiB.toFixed(0)} |`);
for (const [k, v] of Object.entries(ratios)) console.log(`${k}: ${v.toFixed(2)}`);
fs.rmSync(scratch, { recursive: true, force: true });
