/**
 * The engine's version, checked before anything runs it: the stacks use
 * write-only attributes (`data_wo` of the ClusterMesh TLS secrets, and
 * whatever else the providers offer), which Terraform and OpenTofu accept
 * from 1.11 on. An older engine fails halfway through a plan with
 * "Unsupported argument"; this names the engine and the fix first.
 */
import { Problem } from "./errors";
import { MINIMUM_ENGINE_VERSION } from "./versions";

/** What `<engine> version -json` says. */
export interface EngineVersion {
  /** Terraform or OpenTofu. */
  readonly name: "Terraform" | "OpenTofu";
  /** `major.minor.patch` (pre-release suffix kept). */
  readonly version: string;
}

/**
 * Reads the output of `<binary> version -json` (both engines print
 * `terraform_version`; OpenTofu's binary is `tofu`). Undefined when the
 * output is not that JSON.
 */
export function parseEngineVersion(binary: string, versionJson: string): EngineVersion | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(versionJson);
  } catch {
    return undefined;
  }
  const version = (parsed as { terraform_version?: unknown })?.terraform_version;
  if (typeof version !== "string" || !/^\d+\.\d+\.\d+/.test(version)) return undefined;
  const name = /(^|\/)tofu[^/]*$/.test(binary) ? "OpenTofu" : "Terraform";
  return { name, version };
}

/** -1, 0 or 1: `a` against `b`, by major, minor and patch (a pre-release counts as before its release). */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => {
    const m = /^(\d+)\.(\d+)\.(\d+)(-.+)?/.exec(v);
    return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] ? 0 : 1] : [0, 0, 0, 0];
  };
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

/** The problem with the engine at `binary`, or undefined when it is new enough. */
export function engineProblem(binary: string, versionJson: string, minimum: string = MINIMUM_ENGINE_VERSION): Problem | undefined {
  const fix = `install Terraform or OpenTofu ${minimum} or newer (npm run toolchain builds OpenTofu), or point TERRAFORM_BINARY_NAME at one`;
  const found = parseEngineVersion(binary, versionJson);
  if (!found) {
    return { path: "engine", message: `${binary} did not report its version (\`${binary} version -json\`), so write-only attribute support is unknown`, fix };
  }
  if (compareVersions(found.version, minimum) >= 0) return undefined;
  return {
    path: "engine",
    message: `${found.name} ${found.version} (${binary}) is older than ${minimum}: it refuses the write-only attributes the stacks use (data_wo), so a plan would stop with "Unsupported argument"`,
    fix,
  };
}
