#!/usr/bin/env node
// `npm run validate`: synthesizes every stack of the mesh (AGGRIK8S_CONFIG or
// the embedded default), of examples/three-clusters.yaml, of examples/two-hosts.yaml and of the fixtures, then runs the real engine's
// `init -backend=false` and `validate` in each stack directory with the real
// provider binaries: from the offline mirror (scripts/toolchain.sh) when it
// holds every provider a stack needs, else from the registry as a user would.
//
// A canary stack carries an attribute no provider knows; validate must reject
// it, which proves the check can fail.
//
//   npm run validate -- [--allow-skip] [--keep]
//     --allow-skip  a stack whose providers can be had neither from the mirror
//                   nor from the registry is reported SKIP instead of failing
//     --keep        keep the scratch directory (printed) for inspection
import * as fs from "fs";
import * as path from "path";
import { cli } from "../scripts/lib/cli";
import { engine, engineEnv, offline as inMirror, proof, providerName, run, synthesize, versions } from "./lib/proof";

const argv = process.argv.slice(2);
const { values: flags } = cli({
  name: "validate",
  summary:
    "Synthesizes every stack of the config, of examples/three-clusters.yaml, of examples/two-hosts.yaml and of the fixtures, and runs the engine's init + validate in each with the pinned providers.",
  options: {
    "allow-skip": { type: "boolean", description: "report a stack whose providers cannot be had as SKIP instead of failing" },
    keep: { type: "boolean", description: "keep the scratch directory (printed) for inspection" },
  },
  argv,
});
const allowSkip = Boolean(flags["allow-skip"]);
const CANARY = "canary-unknown-attribute";

interface Stack {
  readonly name: string;
  readonly dir: string;
  readonly label: string;
}

/** The part of a synthesized cdk.tf.json this proof reads. */
interface SynthesizedJson {
  readonly terraform?: { readonly required_providers?: Record<string, { readonly source: string; readonly version: string }> };
}

/** `validate -json` as the engine prints it (the fields read here). */
interface ValidateJson {
  readonly valid: boolean;
  readonly diagnostics?: readonly {
    readonly severity: string;
    readonly summary: string;
    readonly detail?: string;
    readonly range?: { readonly filename: string; readonly start: { readonly line: number } };
  }[];
}

interface Result {
  readonly status: "PASS" | "FAIL" | "SKIP";
  readonly source: string;
  readonly detail: string;
}

function synth(label: string, entry: string, outdir: string, env: NodeJS.ProcessEnv = {}): Stack[] {
  try {
    return synthesize(entry, outdir, env).map((s) => ({ ...s, label: `${label}/${s.name}` }));
  } catch (e) {
    console.error(`validate: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}

/** versions.json names of the providers a synthesized stack requires. */
function providersOf(dir: string): string[] {
  const json = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")) as SynthesizedJson;
  const required = Object.values(json.terraform?.required_providers ?? {});
  return required.map((rp) => {
    const name = providerName(rp.source);
    if (!name) throw new Error(`validate: ${dir} requires ${rp.source}, which versions.json does not pin`);
    if (rp.version !== versions.providers[name].version) {
      throw new Error(`validate: ${dir} requires ${rp.source} ${rp.version} but versions.json pins ${versions.providers[name].version}`);
    }
    return name;
  });
}

const UNREACHABLE =
  /could not connect to registry|failed to request discovery document|no such host|Failed to query available provider packages|provider registry .* does not have a provider/i;

function validateStack(bin: string, stack: Stack): Result {
  const wanted = providersOf(stack.dir);
  const env = engineEnv();
  const offline = inMirror(wanted);
  const source = offline ? "offline mirror" : "registry";
  const t0 = Date.now();
  const init = run(bin, ["init", "-backend=false", "-input=false", "-no-color"], { cwd: stack.dir, env });
  if (init.status !== 0) {
    const out = `${init.stderr}\n${init.stdout}`;
    if (!offline && UNREACHABLE.test(out)) {
      const missing = wanted.map((n) => `${versions.providers[n].source} ${versions.providers[n].version}`).join(", ");
      return { status: "SKIP", source, detail: `providers neither in the offline mirror nor reachable in the registry (${missing})` };
    }
    return { status: "FAIL", source, detail: `init failed:\n${out.trim()}` };
  }
  const v = run(bin, ["validate", "-json", "-no-color"], { cwd: stack.dir, env });
  let result: ValidateJson;
  try {
    result = JSON.parse(v.stdout) as ValidateJson;
  } catch {
    return { status: "FAIL", source, detail: `validate printed no JSON:\n${v.stderr}${v.stdout}` };
  }
  const diags = (result.diagnostics ?? []).map(
    (d) => `${d.severity}: ${d.summary}${d.detail ? ` - ${d.detail}` : ""}${d.range ? ` (${d.range.filename}:${d.range.start.line})` : ""}`,
  );
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  return result.valid
    ? { status: "PASS", source, detail: `${seconds}s${diags.length ? `; ${diags.join("; ")}` : ""}` }
    : { status: "FAIL", source, detail: diags.join("\n") || "invalid" };
}

function main(): void {
  const bin = engine();
  const { scratch } = proof("validate", argv);
  console.log(`validate: engine ${bin}; scratch ${scratch}`);
  const stacks = [
    ...synth("mesh", "main.ts", path.join(scratch, "mesh")),
    ...synth("three-clusters", "main.ts", path.join(scratch, "three-clusters"), { AGGRIK8S_CONFIG: path.join("examples", "three-clusters.yaml") }),
    ...synth("two-hosts", "main.ts", path.join(scratch, "two-hosts"), { AGGRIK8S_CONFIG: path.join("examples", "two-hosts.yaml") }),
    ...synth("fixtures", path.join("integration", "validate-app.ts"), path.join(scratch, "fixtures")),
  ];
  let failed = 0;
  let skipped = 0;
  for (const stack of stacks) {
    const r = validateStack(bin, stack);
    if (stack.name === CANARY) {
      const rejected = r.status === "FAIL" && /Unsupported argument|Extraneous JSON object property/.test(r.detail);
      console.log(
        `${rejected ? "PASS" : "FAIL"}  ${stack.label} [${r.source}]: ${rejected ? "rejected as it must be (unknown attribute)" : `expected the engine to reject it, got ${r.status}: ${r.detail}`}`,
      );
      if (!rejected && r.status !== "SKIP") failed++;
      if (r.status === "SKIP") skipped++;
      continue;
    }
    console.log(`${r.status.padEnd(4)}  ${stack.label} [${r.source}]: ${r.detail}`);
    if (r.status === "FAIL") failed++;
    if (r.status === "SKIP") skipped++;
  }
  const passed = stacks.length - failed - skipped;
  console.log(`validate: ${passed} passed, ${failed} failed, ${skipped} skipped of ${stacks.length} stacks`);
  if (failed > 0) process.exit(1);
  if (skipped > 0 && !allowSkip) {
    console.error("validate: some stacks could not be checked (SKIP): run scripts/toolchain.sh, or give the engine registry access; --allow-skip accepts this");
    process.exit(1);
  }
}

main();
