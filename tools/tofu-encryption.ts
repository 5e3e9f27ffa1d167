/**
 * OpenTofu's state and plan encryption, on by default when tofu is the
 * engine (issue #23): TF_ENCRYPTION is filled from examples/tf-encryption.hcl
 * (PBKDF2 passphrase, AES-GCM, enforced for state and plans, the same key for
 * the remote-state reads between stacks) with the passphrase from
 * AGGRIK8S_STATE_PASSPHRASE, a secret. Terraform has no such encryption: with
 * it nothing changes here, and the workflow never uploads a plan.
 *
 * @see https://opentofu.org/docs/language/state/encryption/
 */
import * as fs from "fs";
import * as path from "path";
import { Aggrik8sError, formatProblem } from "../lib/errors";

export const PASSPHRASE_ENV = "AGGRIK8S_STATE_PASSPHRASE";
/** Set to `off` to keep OpenTofu's state and plans unencrypted (not advised). */
export const ENCRYPTION_SWITCH_ENV = "AGGRIK8S_STATE_ENCRYPTION";
/** OpenTofu's own minimum for a PBKDF2 passphrase. */
const MIN_PASSPHRASE = 16;

/** Whether `engineBin` is OpenTofu (by its file name, as cdktf's TERRAFORM_BINARY_NAME gives it). */
export function isTofu(engineBin: string): boolean {
  return /^tofu(\.exe)?$/.test(path.basename(engineBin));
}

/** An HCL string body holding `value` literally (no interpolation). */
function hclString(value: string): string {
  // Replacer functions: in a replacement string "$$" would mean "$".
  return value
    .replace(/\\/g, () => "\\\\")
    .replace(/"/g, () => '\\"')
    .replace(/\$\{/g, () => "$${")
    .replace(/%\{/g, () => "%%{")
    .replace(/\n/g, () => "\\n");
}

/**
 * The environment additions that turn encryption on for `engineBin`: none for
 * Terraform, none when TF_ENCRYPTION is already set (the user's own
 * configuration) or encryption is switched off; else TF_ENCRYPTION. Throws
 * when tofu is the engine and no passphrase is set.
 */
export function encryptionEnv(engineBin: string, env: Readonly<Record<string, string | undefined>>, repoRoot: string): Record<string, string> {
  if (!isTofu(engineBin) || env.TF_ENCRYPTION || env[ENCRYPTION_SWITCH_ENV] === "off") return {};
  const passphrase = env[PASSPHRASE_ENV];
  if (!passphrase || passphrase.length < MIN_PASSPHRASE)
    throw new Aggrik8sError(
      formatProblem({
        path: "",
        message: `OpenTofu is the engine, so its state and plan encryption is on, but ${PASSPHRASE_ENV} is ${passphrase ? `shorter than ${MIN_PASSPHRASE} characters` : "not set"}`,
        fix: `export ${PASSPHRASE_ENV} (at least ${MIN_PASSPHRASE} characters, from your secret store; losing it makes the state unreadable), or set your own TF_ENCRYPTION; ${ENCRYPTION_SWITCH_ENV}=off keeps state and plans in clear text`,
      }),
    );
  const template = fs.readFileSync(path.join(repoRoot, "examples", "tf-encryption.hcl"), "utf8");
  // A function, so the replacement is literal (a string replacement would read "$$" as "$").
  return { TF_ENCRYPTION: template.replace("${" + PASSPHRASE_ENV + "}", () => hclString(passphrase)) };
}
