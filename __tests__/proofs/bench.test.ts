// npm run bench fails loudly when a case cannot run (issue 25): exit 1, the
// case named, no table and no results file, rather than a figure left out
// that would read as measured. Here `node` on PATH is a wrapper that refuses
// one app and runs every other command with the real node. Not a timed test:
// what the bench measures is never asserted here.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { scratchDir } from "../helpers";

const root = path.join(__dirname, "..", "..");
const results = path.join(root, "bench", "results", "latest.json");
jest.setTimeout(120_000);

/** Runs the compiled bench with `--only <only>`, with a node on PATH that exits 1 for a command naming `refused`. */
function benchRefusing(refused: string, only: string) {
  const bin = scratchDir("aggrik8s-fake-node-");
  fs.writeFileSync(
    path.join(bin, "node"),
    `#!/bin/sh\ncase "$*" in *${refused}*) echo "refused by the test: $*" >&2; exit 1;; esac\nexec "${process.execPath}" "$@"\n`,
    { mode: 0o755 },
  );
  const before = fs.existsSync(results) ? fs.statSync(results).mtimeMs : undefined;
  const r = spawnSync(process.execPath, [path.join(root, "dist", "proofs", "bench.js"), "--only", only], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, BENCH_REPS: "1", AGGRIK8S_CONFIG: "" },
  });
  return { ...r, resultsWritten: (fs.existsSync(results) ? fs.statSync(results).mtimeMs : undefined) !== before };
}

// The bench needs GNU time for peak memory and refuses to start without it (also exit 1, saying so).
const gnuTime = fs.existsSync("/usr/bin/time");

it("exits 1 naming a timed case that cannot run, and reports nothing", () => {
  const r = benchRefusing("floor-app.js", "floor,main");
  expect(r.status).toBe(1);
  expect(r.stdout).toBe("");
  expect(r.resultsWritten).toBe(false);
  if (!gnuTime) return expect(r.stderr).toContain("bench: GNU time (/usr/bin/time) is needed");
  expect(r.stderr).toContain(
    `bench: the case "floor: the default mesh's JSON through plain cdktf" could not run, so nothing is reported:\nbench: floor: the default mesh's JSON through plain cdktf failed:\n`,
  );
  expect(r.stderr).toContain("refused by the test: dist/bench/floor-app.js");
});

it("exits 1 naming the floor's input when main.ts cannot synthesize it, before any case runs", () => {
  const r = benchRefusing("main.js", "floor");
  expect(r.status).toBe(1);
  expect(r.stdout).toBe("");
  expect(r.resultsWritten).toBe(false);
  if (!gnuTime) return expect(r.stderr).toContain("bench: GNU time (/usr/bin/time) is needed");
  expect(r.stderr).toContain(
    `bench: the case "the floor's input (main.ts on the default mesh, once)" could not run, so nothing is reported:\nbench: synth of floor-from failed:\n`,
  );
  expect(r.stderr).not.toMatch(/bench: floor: .* s, .* MiB/);
});
