// `npm run deploy|diff|destroy -- [stacks...]`: deploy and destroy run the
// cdktf CLI; diff drives the engine itself in each synthesized stack
// directory (what `cdktf diff` runs there, proven to give the same plan by
// proofs/plan.ts), planning independent stacks concurrently. Secrets
// the stacks declare (sensitive variables named after the config's {env:
// NAME} references) go to the engine as TF_VAR_NAME from NAME, so values never
// pass through synth or cdktf.out/. A missing secret is named before anything runs.
import { spawn, spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readConfigStamp, runApp } from "../tools/app";
import { engineProblem } from "../lib/engine";
import { formatProblem } from "../lib/errors";
import { CONFIG_ENV, LOCAL_CONFIG_FILE, configFingerprint, describeConfig, loadConfig } from "../lib/config/load";
import { CliSpec, cli as parseCli } from "./lib/cli";
import * as toolchainModule from "./lib/toolchain";
import { StackSecretNames, stackSecretNames, synthesizedStacks } from "./lib/stack-secrets";
import { ManifestStack, diffPlan, remoteStateReads } from "../tools/diff-plan";
import { runWhenReady } from "../tools/when-ready";
import { PlanJson, ROLLOUT_KINDS, Rollout, rollout } from "../tools/rollout";
import { orphanWarning, orphanedStates, storedStates } from "../tools/state-inventory";
import { buildMesh } from "../stacks";
import { listedNodeNames, pkiDestroyAllowed } from "../stacks";
import { nodeRemovalCheck, stateListAddresses, talosStacksToRead } from "../tools/node-removal";
import { clusterStackNames, kindOf, parseStackName } from "../stacks/naming";
import { runPreflight } from "../tools/preflight";
import { encryptionEnv } from "../tools/tofu-encryption";
import { Aggrik8sError } from "../lib/errors";
import { formatDigests, parseDigests, planDigest } from "../tools/plan-digest";

const [command, ...argv] = process.argv.slice(2);
if (!["deploy", "diff", "destroy"].includes(command ?? "")) {
  process.stderr.write("usage: node dist/scripts/cdktf.js deploy|diff|destroy [stack ...] [options]\n");
  process.exit(2);
}
const COMMON = {
  output: { type: "string", short: "o", description: "the synth output directory (default cdktf.out)" },
  "no-color": { type: "boolean", description: "plain output" },
} as const;
/** deploy and destroy: the engine's own -parallelism, as cdktf's --terraform-parallelism forwards it. */
const TERRAFORM_PARALLELISM = {
  type: "string",
  description:
    "resources each stack's engine changes at once (its -parallelism; default: the engine's 10). Lower it when small control planes take many releases at once (measured: docs/benchmark.md)",
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
      digests: { type: "string", description: "write each planned stack's plan digest to this file (what deploy --reviewed checks; no plan content)" },
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
      "terraform-parallelism": TERRAFORM_PARALLELISM,
      "from-plans": { type: "boolean", description: "apply exactly the plans npm run diff saved in the output directory, in dependency order (no new plan)" },
      "skip-preflight": { type: "boolean", description: "do not run the read-only Proxmox check (npm run preflight) first" },
      "ignore-missing-stack-dependencies": {
        type: "boolean",
        description: "deploy the named stacks even when stacks they depend on are not named (those must be deployed already)",
      },
      "skip-provider-lock": {
        type: "boolean",
        description: "skip `terraform providers lock` (it asks the registry: for air-gapped sites that install providers from a mirror)",
      },
      reviewed: {
        type: "string",
        description:
          "with --from-plans: plan each stack the digests FILE (npm run diff --digests) lists again right before applying it, and apply only if the plan equals the reviewed one",
      },
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
      "terraform-parallelism": TERRAFORM_PARALLELISM,
      "ignore-missing-stack-dependencies": {
        type: "boolean",
        description: "destroy the named stacks even when stacks that depend on them are not named",
      },
      "skip-provider-lock": {
        type: "boolean",
        description: "skip `terraform providers lock` (it asks the registry: for air-gapped sites that install providers from a mirror)",
      },
    },
  },
};
const parsed = parseCli({ ...SPECS[command], argv });
// Back to cdktf's own spelling, for the commands that pass them on.
const clusterToDestroy = parsed.values.cluster as string | undefined;
const summaryFile = parsed.values.summary as string | undefined;
const digestsFile = parsed.values.digests as string | undefined;
const reviewedFile = parsed.values.reviewed as string | undefined;
if (reviewedFile !== undefined && !parsed.values["from-plans"]) {
  process.stderr.write(
    "error: --reviewed checks plans made again before applying them: it needs --from-plans. Fix: npm run deploy -- --from-plans --reviewed FILE\n",
  );
  process.exit(2);
}
const fromPlans = Boolean(parsed.values["from-plans"]);
/** A count option's value (a positive whole number), undefined when not given; anything else exits 2 naming the option and what it counts. */
function countOption(name: string, counts: string): number | undefined {
  const raw = parsed.values[name] as string | undefined;
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (Number.isInteger(n) && n >= 1) return n;
  process.stderr.write(`error: --${name} ${raw} is not a positive whole number. Fix: give ${counts}, e.g. --${name} 2\n`);
  process.exit(2);
}
// Twice the cores: a plan waits on provider start-up and gRPC as much as it computes (measured: docs/benchmark.md).
const parallel = countOption("parallel", "the number of stacks to plan at once") ?? os.cpus().length * 2;
// The engine's own -parallelism (resources at once within a stack).
const terraformParallelism = countOption("terraform-parallelism", "the number of resources each stack's engine changes at once");
const engineParallelism = terraformParallelism !== undefined ? [`-parallelism=${terraformParallelism}`] : [];
const args = [
  ...parsed.positionals,
  ...Object.entries(parsed.values)
    // skip-synth: this script synthesizes (or checks what is there) and always runs cdktf with --skip-synth.
    .filter(([k]) => !["cluster", "summary", "from-plans", "parallel", "skip-preflight", "skip-synth", "digests", "reviewed"].includes(k))
    .flatMap(([k, v]) => (v === undefined || v === false ? [] : v === true ? [`--${k}`] : [`--${k}`, String(v)])),
];
// Write-only attributes need Terraform/OpenTofu >= 1.11: say so before anything runs, not halfway through a plan.
{
  let bin: string;
  try {
    bin = toolchain().engine();
  } catch (e) {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
  const problem = engineProblem(bin, spawnSync(bin, ["version", "-json"], { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } }).stdout ?? "");
  if (problem) {
    process.stderr.write(`error: ${formatProblem(problem)}\n`);
    process.exit(1);
  }
}
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
  if (!pkiDestroyAllowed(loaded.config, cluster)) {
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
 * Synthesizes once into the output directory, to learn the stacks' graph and
 * their secrets (sensitive variables); the engine and cdktf then work on that
 * output (cdktf with --skip-synth). One synth, so each warning is printed
 * once, by us: a synth run by the cdktf CLI logs every line the app writes to
 * stderr at error level (`[ERROR] default - warning: ...`, @cdktf/commons
 * exec -> processLoggerError).
 */
function synthesized(dir: string): Synthesized {
  if (runApp({ env: process.env, build: buildMesh, outdir: dir }) !== 0) process.exit(1);
  return fromOutdir(dir);
}

const selected = parsed.positionals;
const outdir = path.resolve((parsed.values.output as string | undefined) ?? "cdktf.out");
const skipSynth = Boolean(parsed.values["skip-synth"]);
const dirOf = (n: string) => path.join(outdir, "stacks", n);
const color = parsed.values["no-color"] ? ["-no-color"] : [];
/** The engine's messages when it cannot install a provider (from the registry, a mirror or the plugin cache). */
const PROVIDER_INSTALL_FAILURE =
  /Failed to (query available provider packages|install provider|resolve provider packages|read any lock file)|could not connect to registry|Invalid provider registry host|not found in any of the\s+search locations/;

// runApp replaces the output directory only on success. --from-plans applies the plans diff saved there, so it is not synthesized over.
const state = loaded.config.state;
const { secretsByStack, stacks } = skipSynth || fromPlans ? readSynthesized(outdir) : synthesized(outdir);
const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
// OpenTofu: state and plan encryption on by default, its key from AGGRIK8S_STATE_PASSPHRASE (tools/tofu-encryption.ts).
try {
  Object.assign(env, encryptionEnv(engineOrNone(), process.env, toolchain().repoRoot));
} catch (e) {
  if (!(e instanceof Aggrik8sError)) throw e;
  process.stderr.write(`error: ${e.message}\n`);
  process.exit(1);
}
const all = stacks.map((s) => s.name);
// cdktf takes glob patterns for deploy and destroy; diff names stacks exactly.
const isPattern = (n: string) => command !== "diff" && /[*?[\]{}]/.test(n);
const unknownStacks = selected.filter((n) => n !== "*" && !isPattern(n) && !all.includes(n));
if (unknownStacks.length) {
  process.stderr.write(
    `error: ${command}: no stack named ${unknownStacks.join(", ")} in the config (${loaded.source}). Fix: name stacks it has: ${all.join(", ")}\n`,
  );
  process.exit(1);
}
const named =
  clusterToDestroy !== undefined
    ? all.filter((n) => clusterStackNames(clusterToDestroy).includes(n))
    : selected.length === 0 || selected.includes("*")
      ? all
      : selected;

/** Passes the secrets `run` stacks need as TF_VAR_*; names the missing ones and exits, unless destroying. */
const subset = command !== "diff" && (clusterToDestroy !== undefined || Boolean(parsed.values["ignore-missing-stack-dependencies"]));

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
    .then(async (failed) => {
      const line = `diff: ${plan.ready.length - failed} of ${plan.ready.length} stacks diffed, ${failed} failed, ${plan.waiting.length} waiting on an undeployed upstream`;
      const roll = await rolloutOf(plan.ready);
      if (summaryFile) writeSummary(summaryFile, plan.ready, plan.waiting, line, roll);
      for (const l of roll.lines) process.stderr.write(`diff: rollout: ${l}\n`);
      for (const r of roll.refusals) process.stderr.write(`error: ${r}\n`);
      if (digestsFile) writeDigests(digestsFile, plan.ready);
      process.stderr.write(`${line}\n`);
      process.exit(failed || roll.refusals.length ? 1 : 0);
    });
} else if (command === "deploy" && fromPlans) {
  passSecrets(named);
  preflightFirst().then(() => {
    const order = diffPlan(stacks, named, () => true).ready;
    refuseOneStepNodeRemoval(order);
    process.exit(applySavedPlans(order, reviewedFile));
  });
} else {
  passSecrets(named);
  preflightFirst().then(deployOrDestroy);
}

/** deploy: the read-only Proxmox check (npm run preflight) before anything is applied; stops on a problem. */
async function preflightFirst(): Promise<void> {
  if (command !== "deploy" || parsed.values["skip-preflight"]) return;
  // Only some kinds of stack use the Proxmox API (the registry says which).
  const clusterNames = loaded.config.clusters.map((c) => c.name);
  if (!named.some((n) => kindOf(n, clusterNames)?.proxmoxApi)) return;
  const problems = await runPreflight(loaded.config, { env: process.env, out: (l) => process.stdout.write(`${l}\n`) });
  if (problems) {
    process.stderr.write("deploy: stopped by the preflight (npm run preflight): fix the problems above, or pass --skip-preflight\n");
    process.exit(1);
  }
}

function deployOrDestroy(): void {
  // Every stack of the config unless some are named; cdktf orders them (destroy in reverse).
  const order = diffPlan(stacks, named, () => true).ready;
  const listed = command === "destroy" ? [...order].reverse() : order;
  process.stderr.write(`${command}: ${listed.length} stack${listed.length === 1 ? "" : "s"}, in this order: ${listed.join(", ")}\n`);
  if (command === "destroy" && !parsed.values["auto-approve"])
    process.stderr.write("destroy: cdktf asks before destroying each stack (--auto-approve skips that)\n");
  // Independent stacks (every cluster's chain) deploy at once; dependencies still order them.
  const extra = command === "deploy" && parsed.values.parallelism === undefined ? ["--parallelism", "-1"] : [];
  // The engine must be able to get every provider: said here with what to do, rather than as cdktf's first init error.
  if (command === "deploy" || subset) {
    const t = Date.now();
    exitOnInitFailures(initStacks(named));
    process.stderr.write(`${command}: engine init of ${named.length} stack${named.length === 1 ? "" : "s"} in ${((Date.now() - t) / 1000).toFixed(1)}s\n`);
  }
  if (command === "deploy") refuseOneStepNodeRemoval(order);
  // A subset whose dependencies (deploy) or dependents (destroy) are left out: one cluster's stacks
  // (mesh-credentials reads every cluster's Talos stack), or stacks whose upstream is deployed already.
  // cdktf-cli 0.21 cannot run it: with --ignore-missing-stack-dependencies it starts every pending
  // stack without waiting on its dependencies (deploy), and re-spawns a running destroy until the state
  // lock stops it. The engine runs it here instead: each stack as soon as the stacks it waits on are
  // done (deploy: its dependencies; destroy: its dependents), so each cluster's chain moves at its own pace.
  if (subset) {
    const inSubset = new Set(order);
    const dependencies = new Map(stacks.map((s) => [s.name, s.dependencies.filter((d) => inSubset.has(d))]));
    const waitsOn = command === "destroy" ? (n: string) => order.filter((m) => dependencies.get(m)?.includes(n)) : (n: string) => dependencies.get(n) ?? [];
    runStacks(listed, waitsOn).then((code) => process.exit(code));
    return;
  }
  // Every stack, or what was named with its dependencies: cdktf orders them.
  const stackArgs = selected.length === 0 ? ["*"] : [];
  // --skip-synth: the output directory was synthesized (or checked) above; a second synth by cdktf would print every warning again, relabelled.
  const r = spawnSync(cli(), [command, ...stackArgs, "--skip-synth", ...args, ...extra], { stdio: "inherit", env });
  process.stderr.write(
    `${command}: ${r.status === 0 ? `${listed.length} of ${listed.length} stacks done` : `failed (exit ${r.status}); cdktf's output above names the stack`}\n`,
  );
  process.exit(r.status ?? 1);
}

/**
 * Refuses, before anything is applied, a deploy that would remove a node's VM
 * while its Talos stack's current state still holds the node's
 * `talos_machine` (a node deleted from the config in one step): the same
 * refusal and fix as `npm run diff`'s (tools/node-removal.ts). Reads each
 * affected Talos stack's state with the engine (`state list`, after init);
 * a stack with no state yet passes, one whose state cannot be read stops the
 * deploy (tools/node-removal.ts stateListAddresses).
 */
function refuseOneStepNodeRemoval(deploying: readonly string[]): void {
  const clusters = loaded.config.clusters.map((c) => ({ name: c.name, nodes: listedNodeNames(c) }));
  const toRead = talosStacksToRead(clusters, deploying).filter((n) => all.includes(n));
  if (toRead.length === 0) return;
  exitOnInitFailures(initStacks(toRead));
  const bin = toolchain().engine();
  const states: Record<string, string[] | undefined> = {};
  for (const n of toRead) {
    const r = spawnSync(bin, ["state", "list"], { cwd: dirOf(n), env: stackEnv(), encoding: "utf8" });
    try {
      states[n] = stateListAddresses({ stack: n, engine: bin, dir: dirOf(n), backend: state.backend }, r);
    } catch (e) {
      if (!(e instanceof Aggrik8sError)) throw e;
      process.stderr.write(`error: deploy: ${e.message}\n`);
      process.exit(1);
    }
  }
  const check = nodeRemovalCheck({ clusters, deploying, states });
  for (const u of check.unmapped) process.stderr.write(`warning: deploy: ${u} is the talos_machine of no node name this stack can have; not checked\n`);
  if (check.refusals.length === 0) return;
  for (const r of check.refusals) process.stderr.write(`error: ${r}\n`);
  process.stderr.write(
    `deploy: refused before anything was applied (${check.refusals.length} node${check.refusals.length === 1 ? "" : "s"} removed in one step)\n`,
  );
  process.exit(1);
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

/**
 * The synthesized stacks in `dir` (--skip-synth, --from-plans), refused when
 * they were not synthesized from the current config: planning or deploying
 * the stacks of another config (or of the demo mesh) must not slip through.
 */
function readSynthesized(dir: string): Synthesized {
  const flag = fromPlans ? "--from-plans" : "--skip-synth";
  const rerun = fromPlans ? "run npm run diff again to synthesize and plan the current config" : "drop --skip-synth (or run npm run synth first)";
  if (!fs.existsSync(path.join(dir, "manifest.json"))) {
    process.stderr.write(`error: ${flag}: ${dir}/manifest.json not found. Fix: ${rerun}\n`);
    process.exit(1);
  }
  const stamp = readConfigStamp(dir);
  if (stamp?.fingerprint !== configFingerprint(loaded.config)) {
    const from =
      stamp === undefined
        ? "an unknown config (it has no aggrik8s-config.json)"
        : stamp.source === loaded.source
          ? `an earlier version of ${stamp.source}`
          : stamp.source;
    process.stderr.write(`error: ${flag}: ${dir} was synthesized from ${from}, not from the current config (${loaded.source}). Fix: ${rerun}\n`);
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

/** The engine's environment in a stack directory: the shared plugin cache, no prompts. */
function stackEnv(): NodeJS.ProcessEnv {
  const pluginCache = env.TF_PLUGIN_CACHE_DIR ?? path.join(cacheDir(), "plugin-cache");
  fs.mkdirSync(pluginCache, { recursive: true });
  return { ...env, TF_PLUGIN_CACHE_DIR: pluginCache, TF_INPUT: "0" };
}

interface EngineResult {
  readonly code: number;
  readonly out: string;
}

/**
 * Runs the engine's init in each stack, one after another (the shared plugin
 * cache is not safe for concurrent writers, and a stack with no lock file yet
 * writes to it even when it holds the provider: the engine takes a cache
 * entry only against a checksum the lock file has), only where providers or backend
 * changed since the last one (its stamp is a digest of the terraform block).
 * Returns the stacks whose init failed, with its output.
 */
function initStacks(names: readonly string[]): Record<string, EngineResult> {
  const bin = toolchain().engine();
  const failed: Record<string, EngineResult> = {};
  for (const n of names) {
    const { digest, stamp, current } = initStamp(n);
    if (current) continue;
    const init = spawnSync(bin, ["init", "-input=false", ...color], { cwd: dirOf(n), env: stackEnv(), encoding: "utf8" });
    if (init.status !== 0) failed[n] = { code: init.status ?? 1, out: `${init.stdout}${init.stderr}` };
    else fs.writeFileSync(stamp, digest);
  }
  return failed;
}

/** A stack's init stamp (a digest of its terraform block) and whether it is current (nothing to init). */
function initStamp(n: string): { digest: string; stamp: string; current: boolean } {
  const json = JSON.parse(fs.readFileSync(path.join(dirOf(n), "cdk.tf.json"), "utf8"));
  const digest = createHash("sha256")
    .update(JSON.stringify(json.terraform ?? {}))
    .digest("hex");
  const stamp = path.join(dirOf(n), ".terraform", "aggrik8s-init.sha256");
  const current = fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === digest && fs.existsSync(path.join(dirOf(n), ".terraform.lock.hcl"));
  return { digest, stamp, current };
}

/**
 * Runs `apply` (deploy) or `destroy` with the engine in each stack directory
 * (inited already), each stack as soon as the stacks it waits on are done
 * (tools/when-ready.ts): with --auto-approve every ready stack at once (each
 * line prefixed with its stack, as cdktf does), else one by one in `ordered`
 * order so the engine can ask. After a failure nothing new starts. Names each
 * stack's time. Returns the exit code.
 */
async function runStacks(ordered: readonly string[], waitsOn: (name: string) => readonly string[]): Promise<number> {
  const bin = toolchain().engine();
  const approve = Boolean(parsed.values["auto-approve"]);
  const stepArgs = [command === "destroy" ? "destroy" : "apply", "-input=false", ...(approve ? ["-auto-approve"] : []), ...engineParallelism, ...color];
  const t0 = Date.now();
  const since = (t: number) => ((Date.now() - t) / 1000).toFixed(1);
  const run = (n: string) =>
    new Promise<boolean>((resolve) => {
      const start = Date.now();
      const child = spawn(bin, stepArgs, { cwd: dirOf(n), env: stackEnv(), stdio: [approve ? "ignore" : "inherit", "pipe", "pipe"] });
      const out = prefixedLines(n, process.stdout);
      const err = prefixedLines(n, process.stderr);
      child.stdout.on("data", out.data);
      child.stderr.on("data", err.data);
      child.on("close", (code) => {
        out.end();
        err.end();
        process.stderr.write(`${command}: ${n} ${code === 0 ? "done" : "FAILED"} in ${since(start)}s (started at ${((start - t0) / 1000).toFixed(1)}s)\n`);
        resolve(code === 0);
      });
    });
  const result = await runWhenReady(ordered, waitsOn, run, { concurrent: approve });
  const total = ordered.length;
  if (result.failed.length || result.notStarted.length) {
    const failed = result.failed.length ? `${result.failed.join(", ")} failed; ` : "";
    process.stderr.write(
      `${command}: ${failed}${result.done.length} of ${total} stacks done${result.notStarted.length ? `, not started: ${result.notStarted.join(", ")}` : ""}\n`,
    );
    return 1;
  }
  process.stderr.write(`${command}: ${total} of ${total} stacks done, in ${since(t0)}s\n`);
  return 0;
}

/** Whole lines only, each prefixed with its stack, so stacks running at once never interleave mid-line. */
function prefixedLines(stack: string, to: NodeJS.WriteStream): { data(d: Buffer): void; end(): void } {
  let partial = "";
  return {
    data: (d) => {
      const text = partial + d.toString();
      const cut = text.lastIndexOf("\n") + 1;
      partial = text.slice(cut);
      for (const line of text.slice(0, cut).split("\n").slice(0, -1)) to.write(`${stack}  ${line}\n`);
    },
    end: () => {
      if (partial) to.write(`${stack}  ${partial}\n`);
    },
  };
}

/** What to do when the engine cannot get its providers: said after the engine's own error. */
function providerHint(stacks: readonly string[]): string {
  const engine = path.basename(toolchain().engine());
  const registry = engine === "tofu" ? "registry.opentofu.org" : "registry.terraform.io";
  return (
    `error: ${command}: the engine (${engine}) could not get the providers of ${stacks.join(", ")} (its error is above). ` +
    `Fix: run npm run toolchain, which builds every pinned provider into a local mirror, then eval "$(bash scripts/toolchain.sh --env)" so the engine uses it; ` +
    `or give the engine access to ${registry} (check a proxy, or TF_CLI_CONFIG_FILE${env.TF_CLI_CONFIG_FILE ? `=${env.TF_CLI_CONFIG_FILE}` : ""})\n`
  );
}

/** Prints every failed init, then what to do when providers were the cause, and exits 1; returns when nothing failed. */
function exitOnInitFailures(failed: Record<string, EngineResult>): void {
  const names = Object.keys(failed);
  if (names.length === 0) return;
  for (const n of names) process.stdout.write(`\n=== ${n} (init FAILED)\n${failed[n].out}`);
  const providers = names.filter((n) => PROVIDER_INSTALL_FAILURE.test(failed[n].out));
  if (providers.length) process.stderr.write(providerHint(providers));
  else process.stderr.write(`error: ${command}: the engine's init failed in ${names.join(", ")} (its output is above)\n`);
  process.exit(1);
}

/**
 * Plans each stack with the engine in its synthesized directory, as `cdktf
 * diff` does: inits first (initStacks), then plans up to `parallel` at once.
 * Each stack's output is printed whole, in order. Returns how many failed.
 */
async function diffStacks(names: readonly string[], parallel: number): Promise<number> {
  const bin = toolchain().engine();
  const results: Record<string, EngineResult> = initStacks(names);
  const initFailed = Object.keys(results);
  const providers = initFailed.filter((n) => PROVIDER_INSTALL_FAILURE.test(results[n].out));
  const queue = names.filter((n) => !results[n]);
  const run = (n: string) =>
    new Promise<void>((resolve) => {
      let out = "";
      // Saved as `plan`, where `cdktf diff` saves it: the deploy can apply exactly what was reviewed.
      const child = spawn(bin, ["plan", "-input=false", "-out", "plan", ...color], { cwd: dirOf(n), env: stackEnv() });
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
  if (providers.length) process.stderr.write(providerHint(providers));
  return failed;
}

/** What the saved plans do to the nodes, in order, and what aggrik8s refuses (tools/rollout.ts); the plans are read at once. */
async function rolloutOf(planned: readonly string[]): Promise<Rollout> {
  const bin = toolchain().engine();
  const clusterNames = loaded.config.clusters.map((c) => c.name);
  // Only the stacks tools/rollout.ts reads (their kind from the registry).
  const read = planned
    .filter((n) => ROLLOUT_KINDS.some((k) => k === parseStackName(n, clusterNames)?.kind) && fs.existsSync(path.join(outdir, "stacks", n, "plan")))
    .map(
      (n) =>
        new Promise<[string, PlanJson | undefined]>((resolve) => {
          const child = spawn(bin, ["show", "-json", "plan"], { cwd: path.join(outdir, "stacks", n), env });
          let out = "";
          child.stdout.on("data", (d) => (out += d));
          child.on("close", (code) => resolve([n, code === 0 ? (JSON.parse(out) as PlanJson) : undefined]));
        }),
    );
  const plans = Object.fromEntries((await Promise.all(read)).filter((e): e is [string, PlanJson] => e[1] !== undefined));
  return rollout(plans, clusterNames);
}

/** Every planned stack's plan as Markdown (for a CI job summary); sensitive values stay masked by the engine. */
function writeSummary(file: string, planned: readonly string[], waiting: readonly { stack: string; upstream: string[] }[], line: string, roll: Rollout): void {
  const bin = toolchain().engine();
  const parts = [`## aggrik8s diff\n\n${line}\n`];
  if (roll.lines.length || roll.refusals.length) {
    parts.push(
      ["### What happens to the nodes, in order", "", ...roll.refusals.map((r) => `- **refused:** ${r}`), ...roll.lines.map((l) => `- ${l}`), ""].join("\n"),
    );
  }
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

/** The digest of a stack's saved plan (tools/plan-digest.ts). */
function savedPlanDigest(bin: string, dir: string): string {
  const shown = spawnSync(bin, ["show", "-json", "plan"], { cwd: dir, env, encoding: "utf8", maxBuffer: 1 << 30 });
  if (shown.status !== 0) throw new Error(`show -json plan in ${dir} failed: ${shown.stderr.slice(-500)}`);
  return planDigest(shown.stdout);
}

/** Writes the plan digest of every stack planned (never the plans: they hold state and variables in clear text). */
function writeDigests(file: string, planned: readonly string[]): void {
  const bin = toolchain().engine();
  const digests: Record<string, string> = {};
  for (const n of planned) {
    const dir = path.join(outdir, "stacks", n);
    if (fs.existsSync(path.join(dir, "plan"))) digests[n] = savedPlanDigest(bin, dir);
  }
  fs.writeFileSync(file, formatDigests(digests));
  process.stderr.write(`diff: ${Object.keys(digests).length} plan digest(s) written to ${file}\n`);
}

/**
 * Applies the plans `npm run diff` saved (`plan` in each stack directory), in
 * dependency order, stopping at the first failure: what was reviewed is what
 * is applied (the engine refuses a plan whose state changed since). Stacks
 * without a saved plan are skipped and named. With `reviewedFile` (digests
 * from `npm run diff --digests`), each stack it lists is planned again right
 * before it is applied, and applied only when that plan's digest equals the
 * reviewed one; stacks it does not list are skipped. So no plan file has to
 * travel from the review to the deploy.
 */
function applySavedPlans(order: readonly string[], reviewedFile?: string): number {
  const bin = toolchain().engine();
  const reviewed = reviewedFile !== undefined ? parseDigests(fs.readFileSync(reviewedFile, "utf8")) : undefined;
  let applied = 0;
  const skipped: string[] = [];
  const step = (n: string, args: string[]) => {
    const r = spawnSync(bin, args, { cwd: path.join(outdir, "stacks", n), env, stdio: "inherit" });
    if (r.status !== 0)
      process.stderr.write(`deploy: ${args[0]} of ${n} failed (exit ${r.status}); ${applied} stack${applied === 1 ? "" : "s"} applied before it\n`);
    return r.status === 0;
  };
  for (const n of order) {
    const dir = path.join(outdir, "stacks", n);
    if (reviewed) {
      if (!reviewed[n]) {
        skipped.push(n);
        continue;
      }
      if (!step(n, ["init", "-input=false"]) || !step(n, ["plan", "-input=false", "-out", "plan"])) return 1;
      const now = savedPlanDigest(bin, dir);
      if (now !== reviewed[n]) {
        process.stderr.write(
          `deploy: the plan of ${n} now differs from the reviewed one (digest ${now.slice(0, 12)}, reviewed ${reviewed[n].slice(0, 12)}): something changed since the review. Fix: review the new plan (run the workflow's plan job again, or npm run diff -- ${n}); ${applied} stack${applied === 1 ? "" : "s"} applied before it\n`,
        );
        return 1;
      }
      if (!step(n, ["apply", "-input=false", ...engineParallelism, "plan"])) return 1;
      applied++;
      continue;
    }
    if (!fs.existsSync(path.join(dir, "plan"))) {
      skipped.push(n);
      continue;
    }
    if (!step(n, ["init", "-input=false"]) || !step(n, ["apply", "-input=false", ...engineParallelism, "plan"])) return 1;
    applied++;
  }
  process.stderr.write(
    `deploy: ${applied} of ${order.length} stacks applied from ${reviewed ? "plans equal to the reviewed ones" : "their saved plans"}${skipped.length ? `; ${reviewed ? "not reviewed" : "no saved plan"} (run npm run diff again after this deploy): ${skipped.join(", ")}` : ""}\n`,
  );
  return 0;
}

/** The engine's path, or "" when none is found (the command that needs it says so). */
function engineOrNone(): string {
  try {
    return toolchain().engine();
  } catch {
    return "";
  }
}

function cacheDir(): string {
  return toolchain().cacheDir();
}

function cli(): string {
  return path.join(toolchain().repoRoot, "node_modules", ".bin", "cdktf");
}

function toolchain(): { repoRoot: string; engine: () => string; cacheDir: () => string } {
  return toolchainModule;
}
