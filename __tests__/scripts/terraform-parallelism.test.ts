// deploy/destroy --terraform-parallelism: refused before anything is synthesized
// when it is not a positive whole number, and handed as -parallelism to the
// apply and destroy the script runs through the engine itself (a subset of
// stacks; the engine here is a recording stand-in: what is checked is the
// command line npm run deploy gives it). The whole mesh goes through cdktf,
// which is handed the flag as is; --from-plans is not covered here.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { defaultInput, scratchDir, writeConfig } from "../helpers";

const root = path.join(__dirname, "..", "..");
const script = path.join(root, "dist", "scripts", "cdktf.js");

/** An engine that answers `version -json` as Terraform 1.11.4 (no OpenTofu state encryption to set up), makes `.terraform` on init, succeeds at everything and logs each call's arguments. */
function recordingEngine(dir: string): { bin: string; calls: () => string[][] } {
  const log = path.join(dir, "engine-calls");
  const bin = path.join(dir, "terraform");
  fs.writeFileSync(
    bin,
    [
      "#!/bin/sh",
      `printf '%s\\n' "$*" >> '${log}'`,
      `if [ "$1" = version ]; then echo '{"terraform_version":"1.11.4","platform":"linux_amd64"}'; fi`,
      // What a real init leaves in the stack directory, where deploy stamps the init it ran.
      `if [ "$1" = init ]; then mkdir -p .terraform; fi`,
      "exit 0",
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  return {
    bin,
    calls: () =>
      fs.existsSync(log)
        ? fs
            .readFileSync(log, "utf8")
            .trim()
            .split("\n")
            .map((l) => l.split(" "))
        : [],
  };
}

function run(dir: string, engine: string, args: string[]) {
  // A config of the user's own (deploy refuses the embedded demo mesh), in a folder of its own.
  const config = writeConfig(defaultInput());
  return spawnSync(process.execPath, [script, ...args, "--output", path.join(dir, "out")], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, TERRAFORM_BINARY_NAME: engine, AGGRIK8S_CONFIG: config, CI: "true" },
  });
}

describe("--terraform-parallelism", () => {
  it.each([
    ["deploy", "0"],
    ["deploy", "two"],
    ["destroy", "1.5"],
  ])("%s refuses --terraform-parallelism %s before synthesizing anything", (command, value) => {
    const dir = scratchDir();
    const engine = recordingEngine(dir);
    const r = run(dir, engine.bin, [command, "--terraform-parallelism", value]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `error: --terraform-parallelism ${value} is not a positive whole number. Fix: give the number of resources each stack's engine changes at once, e.g. --terraform-parallelism 2\n`,
    );
    expect(fs.existsSync(path.join(dir, "out"))).toBe(false);
    expect(engine.calls()).toEqual([]);
  });

  it.each(["deploy", "destroy"])("%s hands it to the engine as -parallelism, and leaves it out when not given", (command) => {
    const dir = scratchDir();
    const engine = recordingEngine(dir);
    const common = [command, "mesh-ca", "--auto-approve", "--ignore-missing-stack-dependencies", "--skip-provider-lock"];
    const step = command === "deploy" ? "apply" : "destroy";
    const given = run(dir, engine.bin, [...common, "--terraform-parallelism", "3"]);
    expect({ status: given.status, stderr: given.status === 0 ? "" : given.stderr }).toEqual({ status: 0, stderr: "" });
    const runs = engine.calls().filter((c) => c[0] === step);
    expect(runs).toEqual([[step, "-input=false", "-auto-approve", "-parallelism=3"]]);

    const dir2 = scratchDir();
    const engine2 = recordingEngine(dir2);
    const plain = run(dir2, engine2.bin, common);
    expect(plain.status).toBe(0);
    expect(engine2.calls().filter((c) => c[0] === step)).toEqual([[step, "-input=false", "-auto-approve"]]);
  });
});
