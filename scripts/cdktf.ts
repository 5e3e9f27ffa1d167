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
import { ManifestStack, diffPlan, splitCdktfArgs } from "../lib/diff-plan";
import { buildMesh } from "../stacks";

const [command, ...args] = process.argv.slice(2);
if (!["deploy", "diff", "destroy"].includes(command ?? "")) {
  process.stderr.write("usage: tsx scripts/cdktf.ts deploy|diff|destroy [stack ...] [cdktf options]\n");
  process.exit(2);
}

interface Synthesized {
  readonly names: string[];
  readonly proxmoxEnv: boolean;
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
    const names = new Set<string>();
    let proxmoxEnv = false;
    for (const s of Object.values<{ synthesizedStackPath: string }>(manifest.stacks)) {
      const json = JSON.parse(fs.readFileSync(path.join(outdir, s.synthesizedStackPath), "utf8"));
      for (const [name, v] of Object.entries<{ sensitive?: boolean }>(json.variable ?? {})) if (v.sensitive) names.add(name);
      if (json.provider?.proxmox && !json.provider.proxmox[0].api_token) proxmoxEnv = true;
    }
    const stacks = Object.values<ManifestStack>(manifest.stacks).map((x) => ({ name: x.name, dependencies: x.dependencies }));
    return { names: [...names].sort(), proxmoxEnv, stacks, state: state! };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const { names, proxmoxEnv, stacks, state } = synthesized();
const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1" };
const missing = proxmoxEnv && !process.env[PROXMOX_TOKEN_ENV] ? [PROXMOX_TOKEN_ENV] : [];
for (const name of names) {
  if (process.env[name]) env[`TF_VAR_${name}`] = process.env[name];
  else if (!process.env[`TF_VAR_${name}`]) missing.push(name);
}
if (missing.length && command !== "destroy") {
  process.stderr.write(`error: secrets the stacks need are not set: ${missing.join(", ")}. Fix: export them before ${command}.\n`);
  process.exit(1);
}
if (command === "diff") {
  // Only the local backend can say cheaply whether an upstream was deployed.
  const deployed = (stack: string) => (state.backend === "local" ? fs.existsSync(path.join(state.dir, `${stack}.tfstate`)) : undefined);
  const { stacks: selected, options } = splitCdktfArgs(args);
  const plan = diffPlan(stacks, selected.length ? selected : ["*"], deployed);
  for (const w of plan.waiting) process.stderr.write(`diff: ${w.stack} waits on undeployed upstream ${w.upstream.join(", ")}: deploy that first; not diffed\n`);
  // `cdktf diff` takes one stack: diff each, synthesizing only for the first.
  let failed = 0;
  plan.ready.forEach((stack, i) => {
    const r = spawnSync(cli(), ["diff", stack, ...options, ...(i > 0 && !options.includes("--skip-synth") ? ["--skip-synth"] : [])], { stdio: "inherit", env });
    if (r.status !== 0) failed++;
  });
  process.stderr.write(`diff: ${plan.ready.length - failed} of ${plan.ready.length} stacks diffed, ${failed} failed, ${plan.waiting.length} waiting on an undeployed upstream\n`);
  process.exit(failed ? 1 : 0);
}
const r = spawnSync(cli(), [command, ...args], { stdio: "inherit", env });
process.exit(r.status ?? 1);

function cli(): string {
  return path.join(__dirname, "..", "node_modules", ".bin", "cdktf");
}
