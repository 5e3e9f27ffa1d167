/** Finding the secret references ({env: NAME} / {doppler: NAME}) in a config subtree. */
import { SecretRef } from "../schema-parts";

/** The environment variable the bpg/proxmox provider reads its API token from by itself (kept with the Proxmox connections). */
export { PROXMOX_TOKEN_ENV } from "../proxmox/connections";

export interface FoundSecretRef {
  /** Config path, e.g. `clusters[0].platform.robusta.signingKey`. */
  readonly path: string;
  readonly ref: SecretRef;
}

/** Every secret reference under `value`, with its config path. */
export function secretRefs(value: unknown, path = ""): FoundSecretRef[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => secretRefs(v, `${path}[${i}]`));
  if (value === null || typeof value !== "object") return [];
  const entries = Object.entries(value);
  if (entries.length === 1 && (entries[0][0] === "env" || entries[0][0] === "doppler") && typeof entries[0][1] === "string") {
    return [{ path, ref: value as SecretRef }];
  }
  return entries.flatMap(([k, v]) => secretRefs(v, path ? `${path}.${k}` : k));
}
