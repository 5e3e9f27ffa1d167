// The benchmark's floor (bench/floor-app.ts) must synthesize what main.ts
// synthesizes, or the main/floor ratio compares different work.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { meshStackNames } from "../../stacks/naming";
import { filesUnder, scratchDir } from "../helpers";

const root = path.join(__dirname, "..", "..");
const synth = (entry: string, outdir: string, env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [path.join("dist", entry.replace(/\.ts$/, ".js"))], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, AGGRIK8S_CONFIG: "", CDKTF_OUTDIR: outdir, ...env },
  });
/** A stack's JSON less cdktf's construct metadata ("//"), which names construct paths. */
const withoutMetadata = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(withoutMetadata)
    : v && typeof v === "object"
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([k]) => k !== "//")
            .map(([k, x]) => [k, withoutMetadata(x)]),
        )
      : v;

it("the floor synthesizes the same stacks as main.ts, through plain cdktf", () => {
  const dir = scratchDir();
  expect(synth("main.ts", path.join(dir, "mesh")).status).toBe(0);
  const floor = synth(path.join("bench", "floor-app.ts"), path.join(dir, "floor"), { FLOOR_FROM: path.join(dir, "mesh") });
  expect(floor.stderr).toBe("");
  const stacks = filesUnder(path.join(dir, "mesh", "stacks")).filter((f) => f.endsWith("cdk.tf.json"));
  expect(stacks).toEqual(
    meshStackNames(["talos-east", "talos-west"])
      .map((n) => `${n}/cdk.tf.json`)
      .sort(),
  );
  expect(filesUnder(path.join(dir, "floor", "stacks")).filter((f) => f.endsWith("cdk.tf.json"))).toEqual(stacks);
  for (const f of stacks) {
    const read = (side: string) => withoutMetadata(JSON.parse(fs.readFileSync(path.join(dir, side, "stacks", f), "utf8")));
    expect({ f, json: read("floor") }).toEqual({ f, json: read("mesh") });
  }
});
