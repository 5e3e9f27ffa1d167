// `npm run deploy|diff|destroy -- [stacks...]`: runs the cdktf CLI with the
// secrets the stacks declare (sensitive variables named after the config's
// {env: NAME} references) passed to Terraform as TF_VAR_NAME from NAME, so
// values never pass through synth or cdktf.out/. A missing secret is named
// before anything runs.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App } from "cdktf";
import { runApp } from "../lib/app";
import { MeshConfig } from "../lib/config/schema";
import { PROXMOX_TOKEN_ENV } from "../lib/config/secret-refs";
import { ManifestStack, diffPlan, remoteStateReads, splitCdktfArgs } from "../lib/diff-plan";
import { buildMesh } from "../stacks";

const [command, ...args] = process.argv.slice(2);
if (!["deploy", "diff", "destroy"].includes(command ?? "")) {
  process.stderr.write("usage: tsx scripts/cdktf.ts deploy|diff|destroy [stack ...] [cdktf options]\n");
  process.exit(2);
}

interface Synthesized {
  /** Sensitive variables (secrets) each stack declares. */
  readonly secretsByStack: Readonly<Record<string, readonly string[]>>;
  /** Stacks whose proxmox provider reads the token from its own variable. */
  readonly proxmoxEnvStacks: readonly string[];
  readonly stacks: ManifestStack[];
  readonly state: MeshConfig["state"];
}

/** Synthesizes once to learn the stacks' graph, their secrets (sensitive variables) and whether one leaves the Proxmox token to the provider's own env var. */
function synthesized(): Synthesized {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "aggrik8s-secrets-"));
  try {
    let state: MeshConfig["state"] | undefined;
    const build = (app: App, config: MeshConfig) => {
      state = config.state;
      buildMesh(app, config);
    };
    if (runApp({ env: process.env, build, outdir }) !== 0) process.exit(1);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
    const secretsByStack: Record<string, string[]> = {};
    const proxmoxEnvStacks: string[] = [];
    const stacks: ManifestStack[] = [];
    for (const s of Object.values<{ name: string; dependencies: string[]; synthesizedStackPath: string }>(manifest.stacks)) {
      const json = JSON.parse(fs.readFileSync(path.join(outdir, s.synthesizedStackPath), "utf8"));
      secretsByStack[s.name] = Object.entries<{ sensitive?: boolean }>(json.variable ?? {}).filter(([, v]) => v.sensitive).map(([name]) => name);
      if (json.provider?.proxmox && !json.provider.proxmox[0].api_token) proxmoxEnvStacks.push(s.name);
      stacks.push({ name: s.name, dependencies: s.dependencies, reads: remoteStateReads(json) });
    }
    return { secretsByStack, proxmoxEnvStacks, stacks, state: state! };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const { secretsByStack, proxmoxEnvStacks, stacks, state } = synthesized();
const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1" };
const { stacks: selected, options } = splitCdktfArgs(args);
const all = stacks.map((s) => s.name);
const named = selected.length === 0 || selected.includes("*") ? all : selected;

/** Passes the secrets `run` stacks need as TF_VAR_*; names the missing ones and exits, unless destroying. */
function passSecrets(run: readonly string[]): void {
  const missing = run.some((s) => proxmoxEnvStacks.includes(s)) && !process.env[PROXMOX_TOKEN_ENV] ? [PROXMOX_TOKEN_ENV] : [];
  for (const name of [...new Set(run.flatMap((s) => secretsByStack[s] ?? []))].sort()) {
    if (process.env[name]) env[`TF_VAR_${name}`] = process.env[name];
    else if (!process.env[`TF_VAR_${name}`]) missing.push(name);
  }
  if (missing.length && command !== "destroy") {
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
  // `cdktf diff` takes one stack: diff each, synthesizing only for the first.
  let failed = 0;
  plan.ready.forEach((stack, i) => {
    const r = spawnSync(cli(), ["diff", stack, ...options, ...(i > 0 && !options.includes("--skip-synth") ? ["--skip-synth"] : [])], { stdio: "inherit", env });
    if (r.status !== 0) failed++;
  });
  process.stderr.write(`diff: ${plan.ready.length - failed} of ${plan.ready.length} stacks diffed, ${failed} failed, ${plan.waiting.length} waiting on an undeployed upstream\n`);
  process.exit(failed ? 1 : 0);
}
passSecrets(named);
const r = spawnSync(cli(), [command, ...args], { stdio: "inherit", env });
process.exit(r.status ?? 1);

function cli(): string {
  return path.join(__dirname, "..", "node_modules", ".bin", "cdktf");
}
