// `npm run deploy|diff|destroy -- [stacks...]`: runs the cdktf CLI with the
// secrets the stacks declare (sensitive variables named after the config's
// {env: NAME} references) passed to Terraform as TF_VAR_NAME from NAME, so
// values never pass through synth or cdktf.out/. A missing secret is named
// before anything runs.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runApp } from "../lib/app";
import { buildMesh } from "../stacks";

const [command, ...args] = process.argv.slice(2);
if (!["deploy", "diff", "destroy"].includes(command ?? "")) {
  process.stderr.write("usage: tsx scripts/cdktf.ts deploy|diff|destroy [stack ...] [cdktf options]\n");
  process.exit(2);
}

/** Sensitive variables of every synthesized stack (the stacks' secrets), and whether a stack leaves the Proxmox token to the provider's own env var. */
function declaredSecrets(): { names: string[]; proxmoxEnv: boolean } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "aggrik8s-secrets-"));
  try {
    if (runApp({ env: process.env, build: buildMesh, outdir }) !== 0) process.exit(1);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
    const names = new Set<string>();
    let proxmoxEnv = false;
    for (const s of Object.values<{ synthesizedStackPath: string }>(manifest.stacks)) {
      const json = JSON.parse(fs.readFileSync(path.join(outdir, s.synthesizedStackPath), "utf8"));
      for (const [name, v] of Object.entries<{ sensitive?: boolean }>(json.variable ?? {})) if (v.sensitive) names.add(name);
      if (json.provider?.proxmox && !json.provider.proxmox[0].api_token) proxmoxEnv = true;
    }
    return { names: [...names].sort(), proxmoxEnv };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const { names, proxmoxEnv } = declaredSecrets();
const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1" };
const missing = proxmoxEnv && !process.env.PROXMOX_VE_API_TOKEN ? ["PROXMOX_VE_API_TOKEN"] : [];
for (const name of names) {
  if (process.env[name]) env[`TF_VAR_${name}`] = process.env[name];
  else if (!process.env[`TF_VAR_${name}`]) missing.push(name);
}
if (missing.length && command !== "destroy") {
  process.stderr.write(`error: secrets the stacks need are not set: ${missing.join(", ")}. Fix: export them before ${command}.\n`);
  process.exit(1);
}
const cli = path.join(__dirname, "..", "node_modules", ".bin", "cdktf");
const r = spawnSync(cli, [command, ...args], { stdio: "inherit", env });
process.exit(r.status ?? 1);
