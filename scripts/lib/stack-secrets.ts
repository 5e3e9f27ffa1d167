// Which secrets each synthesized stack reads at deploy time, from its JSON:
// its sensitive variables (one per {env: NAME} reference), and the variables a
// provider reads by itself when the stack leaves its credential unset
// (PROXMOX_VE_API_TOKEN, DOPPLER_TOKEN). Shared by diff/deploy/destroy (which
// pass them on) and `npm run config` (which lists them).
import * as fs from "fs";
import * as path from "path";
import { PROXMOX_TOKEN_ENV } from "../../lib/config/secret-refs";
import { DOPPLER_TOKEN_ENV } from "../../lib/doppler/access";

export interface StackSecretNames {
  /** Sensitive Terraform variables, passed as TF_VAR_NAME from NAME. */
  readonly variables: readonly string[];
  /** Variables a provider reads itself. */
  readonly providerEnv: readonly string[];
}

export function stackSecretNames(stackJson: {
  variable?: Record<string, { sensitive?: boolean }>;
  provider?: Record<string, Record<string, unknown>[]>;
}): StackSecretNames {
  const variables = Object.entries(stackJson.variable ?? {})
    .filter(([, v]) => v.sensitive)
    .map(([name]) => name);
  const providerEnv: string[] = [];
  if (stackJson.provider?.proxmox?.some((p) => p.api_token === undefined)) providerEnv.push(PROXMOX_TOKEN_ENV);
  if (stackJson.provider?.doppler?.some((p) => p.doppler_token === undefined)) providerEnv.push(DOPPLER_TOKEN_ENV);
  return { variables, providerEnv };
}

/** Every synthesized stack of `outdir`, with its manifest entry and JSON. */
export function synthesizedStacks(outdir: string): { name: string; dependencies: string[]; json: Record<string, unknown> }[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  return Object.values<{ name: string; dependencies: string[]; synthesizedStackPath: string }>(manifest.stacks).map((s) => ({
    name: s.name,
    dependencies: s.dependencies,
    json: JSON.parse(fs.readFileSync(path.join(outdir, s.synthesizedStackPath), "utf8")),
  }));
}
