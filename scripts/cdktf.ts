// `npm run deploy|diff|destroy -- [stacks...]`: deploy and destroy run the
// cdktf CLI; diff drives the engine itself in each synthesized stack
// directory (what `cdktf diff` runs there, proven to give the same plan by
// scripts/plan-proof.js), planning independent stacks concurrently. Secrets
// the stacks declare (sensitive variables named after the config's {env:
// NAME} references) go to the engine as TF_VAR_NAME from NAME, so values never
// pass through synth or cdktf.out/. A missing secret is named before anything runs.
import { spawn, spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runApp } from "../tools/app";
import { CONFIG_ENV, LOCAL_CONFIG_FILE, describeConfig, loadConfig } from "../lib/config/load";
import { CliSpec, cli as parseCli } from "./lib/cli";
import { StackSecretNames, stackSecretNames, synthesizedStacks } from "./lib/stack-secrets";
import { ManifestStack, diffPlan, remoteStateReads } from "../tools/diff-plan";
import { orphanWarning, orphanedStates, storedStates } from "../tools/state-inventory";
import { buildMesh } from "../stacks";
import { runPreflight } from "../tools/preflight";

const [command, ...argv] = process.argv.slice(2);
if (!["deploy", "diff", "destroy"].includes(command ?? "")) {
  process.stderr.write("usage: node scripts/run-ts.js scripts/cdktf.ts deploy|diff|destroy [stack ...] [options]\n");
  process.exit(2);
}
const COMMON = {
  output: { type: "string", short: "o", description: "the synth output directory (default cdktf.out)" },
  "no-color": { type: "boolean", description: "plain output" },
} as const;
const SPECS: Record<string, CliSpec> = {
  diff: {
    name: "diff",
    summary:
      "Plans every stack of the config (or those named) with the engine, independent stacks at once; names the stacks that wait on an undeployed upstream.",
    positionals: "[stack ...]",
    options: {
      ...COMMON,
      "skip-synth": { type: "boolean", description: "plan what cdktf.out/ holds, without synthesizing first" },
      parallel: { type: "string", description: "stacks planned at once (default: twice the cores)" },
      summary: { type: "string", description: "append every stack's plan as Markdown to this file (e.g. $GITHUB_STEP_SUMMARY)" },
    },
  },
  deploy: {
    name: "deploy",
    summary:
      "Deploys every stack of the config (or those named) with cdktf, in dependency order, every cluster's chain at once. Refuses the embedded demo mesh.",
    positionals: "[stack ...]",
    options: {
      ...COMMON,
      "auto-approve": { type: "boolean", description: "apply without asking" },
      "skip-synth": { type: "boolean", description: "deploy what cdktf.out/ holds" },
      parallelism: { type: "string", description: "stacks deployed at once (default: unbounded, -1)" },
      "from-plans": { type: "boolean", description: "apply exactly the plans npm run diff saved in the output directory, in dependency order (no new plan)" },
      "skip-preflight": { type: "boolean", description: "do not run the read-only Proxmox check (npm run preflight) first" },
    },
  },
  destroy: {
    name: "destroy",
    summary: "Destroys every stack of the config (or those named) with cdktf, in reverse dependency order. Refuses the embedded demo mesh.",
    positionals: "[stack ...]",
    options: {
      ...COMMON,
      "auto-approve": { type: "boolean", description: "destroy without asking" },
      cluster: { type: "string", description: "destroy one cluster's stacks (platform, cilium, credentials, talos, vms); refused while its PKI is protected" },
    },
  },
};
const parsed = parseCli({ ...SPECS[command], argv });
// Back to cdktf's own spelling, for the commands that pass them on.
const clusterToDestroy = parsed.values.cluster as string | undefined;
const summaryFile = parsed.values.summary as string | undefined;
const fromPlans = Boolean(parsed.values["from-plans"]);
// Twice the cores: a plan waits on provider start-up and gRPC as much as it computes (measured: docs/benchmark.md).
const parallel = Number(parsed.values.parallel ?? os.cpus().length * 2);
if (!Number.isInteger(parallel) || parallel < 1) {
  process.stderr.write(
    `error: --parallel ${parsed.values.parallel} is not a positive whole number. Fix: give the number of stacks to plan at once, e.g. --parallel 2\n`,
  );
  process.exit(2);
}
const args = [
  ...parsed.positionals,
  ...Object.entries(parsed.values)
    .filter(([k]) => !["cluster", "summary", "from-plans", "parallel", "skip-preflight"].includes(k))
    .flatMap(([k, v]) => (v === undefined || v === false ? [] : v === true ? [`--${k}`] : [`--${k}`, String(v)])),
];
const loaded = loadConfig({ env: process.env });
process.stderr.write(`${describeConfig(loaded)}\n`);
if (clusterToDestroy !== undefined) {
  const cluster = loaded.config.clusters.find((c) => c.name === clusterToDestroy);
  if (!cluster) {
    process.stderr.write(
      `error: --cluster ${clusterToDestroy}: no such cluster in the config (${loaded.config.clusters.map((c) => c.name).join(", ")}). Fix: name one of them; a cluster already removed from the config must be put back to be destroyed\n`,
    );
    process.exit(1);
  }
  if (!(cluster.allowPkiDestroy ?? loaded.config.allowPkiDestroy)) {
    process.stderr.write(
      `error: --cluster ${clusterToDestroy}: its Talos machine secrets are protected (prevent_destroy), so destroy would stop halfway. Fix: set allowPkiDestroy: true on that cluster in the config, run npm run deploy -- ${clusterToDestroy}-talos so the protection is lifted, then destroy\n`,
    );
    process.exit(1);
  }
}
if (command !== "diff" && loaded.origin === "demo") {
  process.stderr.write(
    `error: ${command} refuses the embedded demo mesh: its Proxmox endpoint and addresses are examples. Fix: npm run init writes ./${LOCAL_CONFIG_FILE} to edit (or set ${CONFIG_ENV} to your config file)\n`,
  );
  process.exit(1);
}

interface Synthesized {
  /** The secrets each stack reads at deploy time. */
  readonly secretsByStack: Readonly<Record<string, StackSecretNames>>;
  readonly stacks: ManifestStack[];
}

/**
 * Synthesizes once to learn the stacks' graph, their secrets (sensitive
 * variables) and whether one leaves the Proxmox token to the provider's own
 * env var; into `keepIn` when given (diff plans that output), else a scratch dir.
 */
function synthesized(keepIn?: string): Synthesized {
  const outdir = keepIn ?? fs.mkdtempSync(path.join(os.tmpdir(), "aggrik8s-secrets-"));
  try {
    if (runApp({ env: process.env, build: buildMesh, outdir }) !== 0) process.exit(1);
    return fromOutdir(outdir);
  } finally {
    if (!keepIn) fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const selected = parsed.positionals;
const outdir = path.resolve((parsed.values.output as string | undefined) ?? "cdktf.out");
const skipSynth = Boolean(parsed.values["skip-synth"]);
// diff plans what synth wrote into the output directory (runApp replaces it only on success).
const state = loaded.config.state;
const { secretsByStack, stacks } = command === "diff" && skipSynth ? readSynthesized(outdir) : synthesized(command === "diff" ? outdir : undefined);
const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
const all = stacks.map((s) => s.name);
const named =
  clusterToDestroy !== undefined
    ? all.filter(
        (n) => n.startsWith(`${clusterToDestroy}-`) && ["vms", "talos", "cilium", "platform", "credentials"].includes(n.slice(clusterToDestroy.length + 1)),
      )
    : selected.length === 0 || selected.includes("*")
      ? all
      : selected;

/** Passes the secrets `run` stacks need as TF_VAR_*; names the missing ones and exits, unless destroying. */
function passSecrets(run: readonly string[]): void {
  const missing = [...new Set(run.flatMap((s) => secretsByStack[s]?.providerEnv ?? []))].sort().filter((name) => !process.env[name]);
  for (const name of [...new Set(run.flatMap((s) => secretsByStack[s]?.variables ?? []))].sort()) {
    if (process.env[name]) env[`TF_VAR_${name}`] = process.env[name];
    else if (!process.env[`TF_VAR_${name}`]) missing.push(name);
  }
  // destroy too: the providers and variables need them to read what they destroy.
  if (missing.length) {
    process.stderr.write(`error: secrets the stacks need are not set: ${missing.join(", ")}. Fix: export them before ${command}.\n`);
    process.exit(1);
  }
}

if (command === "diff") {
  // Only the local backend can say cheaply whether an upstream was deployed.
  const deployed = (stack: string) => (state.backend === "local" ? fs.existsSync(path.join(state.dir, `${stack}.tfstate`)) : undefined);
  const plan = diffPlan(stacks, named, deployed);
  for (const w of plan.waiting) process.stderr.write(`diff: ${w.stack} waits on undeployed upstream ${w.upstream.join(", ")}: deploy that first; not diffed\n`);
  passSecrets(plan.ready);
  orphanWarnings()
    .then(() => diffStacks(plan.ready, parallel))
    .then((failed) => {
      const line = `diff: ${plan.ready.length - failed} of ${plan.ready.length} stacks diffed, ${failed} failed, ${plan.waiting.length} waiting on an undeployed upstream`;
      if (summaryFile) writeSummary(summaryFile, plan.ready, plan.waiting, line);
      process.stderr.write(`${line}\n`);
      process.exit(failed ? 1 : 0);
    });
} else if (command === "deploy" && fromPlans) {
  passSecrets(named);
  preflightFirst().then(() => process.exit(applySavedPlans(diffPlan(stacks, named, () => true).ready)));
} else {
  passSecrets(named);
  preflightFirst().then(deployOrDestroy);
}

/** deploy: the read-only Proxmox check (npm run preflight) before anything is applied; stops on a problem. */
async function preflightFirst(): Promise<void> {
  if (command !== "deploy" || parsed.values["skip-preflight"]) return;
  const problems = await runPreflight(loaded.config, { env: process.env, out: (l) => process.stdout.write(`${l}\n`) });
  if (problems) {
    process.stderr.write("deploy: stopped by the preflight (npm run preflight): fix the problems above, or pass --skip-preflight\n");
    process.exit(1);
  }
}

function deployOrDestroy(): never {
  // Every stack of the config unless some are named; cdktf orders them (destroy in reverse).
  const order = diffPlan(stacks, named, () => true).ready;
  const listed = command === "destroy" ? [...order].reverse() : order;
  process.stderr.write(`${command}: ${listed.length} stack${listed.length === 1 ? "" : "s"}, in this order: ${listed.join(", ")}\n`);
  if (command === "destroy" && !parsed.values["auto-approve"])
    process.stderr.write("destroy: cdktf asks before destroying each stack (--auto-approve skips that)\n");
  // Independent stacks (every cluster's chain) deploy at once; dependencies still order them.
  const extra = command === "deploy" && parsed.values.parallelism === undefined ? ["--parallelism", "-1"] : [];
  // A cluster's stacks by name (cdktf orders them); otherwise what was named, or every stack.
  const stackArgs = clusterToDestroy !== undefined ? named : selected.length === 0 ? ["*"] : [];
  // mesh-credentials reads every cluster's Talos stack; it is redeployed once the cluster leaves the config.
  const alone = clusterToDestroy !== undefined ? ["--ignore-missing-stack-dependencies"] : [];
  const r = spawnSync(cli(), [command, ...stackArgs, ...args, ...extra, ...alone], { stdio: "inherit", env });
  process.stderr.write(
    `${command}: ${r.status === 0 ? `${listed.length} of ${listed.length} stacks done` : `failed (exit ${r.status}); cdktf's output above names the stack`}\n`,
  );
  process.exit(r.status ?? 1);
}

/**
 * Warns of stacks the pg or s3 backend holds state for that the config no
 * longer has (synth already warns for local state). A backend that cannot be
 * listed is named, not fatal: the plans that follow still say what matters.
 */
async function orphanWarnings(): Promise<void> {
  if (state.backend === "local") return;
  try {
    const stored = await storedStates(state, process.env);
    for (const s of orphanedStates(stored ?? [], all)) process.stderr.write(`warning: ${orphanWarning(s)}\n`);
  } catch (e) {
    process.stderr.write(
      `warning: could not list the ${state.backend} backend's states to find stacks no longer in the config: ${e instanceof Error ? e.message : String(e)}\n`,
    );
  }
}

/** The synthesized stacks in `dir` (diff --skip-synth). */
function readSynthesized(dir: string): Synthesized {
  if (!fs.existsSync(path.join(dir, "manifest.json"))) {
    process.stderr.write(`error: ${dir}/manifest.json not found. Fix: run npm run synth first, or drop --skip-synth\n`);
    process.exit(1);
  }
  return fromOutdir(dir);
}

/** Each stack's graph entry and secrets, from a synth output directory. */
function fromOutdir(dir: string): Synthesized {
  const secretsByStack: Record<string, StackSecretNames> = {};
  const list: ManifestStack[] = [];
  for (const s of synthesizedStacks(dir)) {
    secretsByStack[s.name] = stackSecretNames(s.json);
    list.push({ name: s.name, dependencies: s.dependencies, reads: remoteStateReads(s.json) });
  }
  return { secretsByStack, stacks: list };
}

/**
 * Plans each stack with the engine in its synthesized directory, as `cdktf
 * diff` does: inits one after another (the shared plugin cache is not safe
 * for concurrent writers), then plans up to `parallel` at once. Each stack's
 * output is printed whole, in order. Returns how many failed.
 */
async function diffStacks(names: readonly string[], parallel: number): Promise<number> {
  const bin = toolchain().engine();
  const pluginCache = env.TF_PLUGIN_CACHE_DIR ?? path.join(cacheDir(), "plugin-cache");
  fs.mkdirSync(pluginCache, { recursive: true });
  const stackEnv = { ...env, TF_PLUGIN_CACHE_DIR: pluginCache, TF_INPUT: "0" };
  const dirOf = (n: string) => path.join(outdir, "stacks", n);
  const color = parsed.values["no-color"] ? ["-no-color"] : [];
  const results: Record<string, { code: number; out: string }> = {};
  for (const n of names) {
    // init only when providers or backend changed since the last one: its stamp is a digest of the terraform block.
    const json = JSON.parse(fs.readFileSync(path.join(dirOf(n), "cdk.tf.json"), "utf8"));
    const digest = createHash("sha256")
      .update(JSON.stringify(json.terraform ?? {}))
      .digest("hex");
    const stamp = path.join(dirOf(n), ".terraform", "aggrik8s-init.sha256");
    if (fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === digest && fs.existsSync(path.join(dirOf(n), ".terraform.lock.hcl"))) continue;
    const init = spawnSync(bin, ["init", "-input=false", ...color], { cwd: dirOf(n), env: stackEnv, encoding: "utf8" });
    if (init.status !== 0) results[n] = { code: init.status ?? 1, out: `${init.stdout}${init.stderr}` };
    else fs.writeFileSync(stamp, digest);
  }
  const queue = names.filter((n) => !results[n]);
  const run = (n: string) =>
    new Promise<void>((resolve) => {
      let out = "";
      // Saved as `plan`, where `cdktf diff` saves it: the deploy can apply exactly what was reviewed.
      const child = spawn(bin, ["plan", "-input=false", "-out", "plan", ...color], { cwd: dirOf(n), env: stackEnv });
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (out += d));
      child.on("close", (code) => {
        results[n] = { code: code ?? 1, out };
        resolve();
      });
    });
  const workers = Array.from({ length: Math.min(parallel, queue.length) }, async () => {
    for (let n = queue.shift(); n !== undefined; n = queue.shift()) await run(n);
  });
  await Promise.all(workers);
  let failed = 0;
  for (const n of names) {
    const r = results[n];
    process.stdout.write(`\n=== ${n} ${r.code === 0 ? "" : "(FAILED)"}\n${r.out}`);
    if (r.code !== 0) failed++;
  }
  return failed;
}

/** Every planned stack's plan as Markdown (for a CI job summary); sensitive values stay masked by the engine. */
function writeSummary(file: string, planned: readonly string[], waiting: readonly { stack: string; upstream: string[] }[], line: string): void {
  const bin = toolchain().engine();
  const parts = [`## aggrik8s diff\n\n${line}\n`];
  for (const n of planned) {
    const dir = path.join(outdir, "stacks", n);
    const shown = fs.existsSync(path.join(dir, "plan"))
      ? spawnSync(bin, ["show", "-no-color", "plan"], { cwd: dir, env, encoding: "utf8" }).stdout
      : "(no plan: it failed, see the job log)";
    parts.push(`<details><summary>${n}</summary>\n\n\`\`\`\n${shown.trim()}\n\`\`\`\n</details>\n`);
  }
  for (const w of waiting) parts.push(`- ${w.stack}: waits on ${w.upstream.join(", ")} (not planned)\n`);
  fs.appendFileSync(file, `${parts.join("\n")}\n`);
}

/**
 * Applies the plans `npm run diff` saved (`plan` in each stack directory), in
 * dependency order, stopping at the first failure: what was reviewed is what
 * is applied (the engine refuses a plan whose state changed since). Stacks
 * without a saved plan are skipped and named.
 */
function applySavedPlans(order: readonly string[]): number {
  const bin = toolchain().engine();
  let applied = 0;
  const skipped: string[] = [];
  for (const n of order) {
    const dir = path.join(outdir, "stacks", n);
    if (!fs.existsSync(path.join(dir, "plan"))) {
      skipped.push(n);
      continue;
    }
    for (const step of [
      ["init", "-input=false"],
      ["apply", "-input=false", "plan"],
    ]) {
      const r = spawnSync(bin, step, { cwd: dir, env, stdio: "inherit" });
      if (r.status !== 0) {
        process.stderr.write(`deploy: ${step[0]} of ${n} failed (exit ${r.status}); ${applied} stack${applied === 1 ? "" : "s"} applied before it\n`);
        return 1;
      }
    }
    applied++;
  }
  process.stderr.write(
    `deploy: ${applied} of ${order.length} stacks applied from their saved plans${skipped.length ? `; no saved plan (run npm run diff again after this deploy): ${skipped.join(", ")}` : ""}\n`,
  );
  return 0;
}

function cacheDir(): string {
  return toolchain().cacheDir();
}

function cli(): string {
  return path.join(toolchain().repoRoot, "node_modules", ".bin", "cdktf");
}

function toolchain(): { repoRoot: string; engine: () => string; cacheDir: () => string } {
  return require("./lib/toolchain");
}
