/**
 * The one config loader: reads the file named by AGGRIK8S_CONFIG (YAML or
 * JSON) or takes the embedded default, validates it with the schema and the
 * cross-field rules, and returns the config with every default filled in,
 * or throws a ConfigError listing every problem. Constructs never read the
 * environment: this is the only place that does.
 */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { z } from "zod";
import { ConfigError, Problem } from "../errors";
import { DEFAULT_MESH } from "./default-mesh";
import { checkMesh } from "./rules";
import { PROXMOX_TOKEN_ENV } from "./secret-refs";
import { ClusterSchema, MeshConfig, MeshConfigSchema } from "./schema";

/**
 * The schema read leniently, for running the cross-field rules when the strict
 * read failed: an invalid cluster becomes null, and an invalid top-level
 * section a stand-in chosen to add no finding of its own (its problem is
 * already reported by the strict read).
 */
const shape = MeshConfigSchema.shape;
/** A section that failed: its schema default. */
const orDefault = <S extends z.ZodType>(section: S) => section.catch(() => section.parse(undefined));
const LenientMeshSchema = MeshConfigSchema.extend({
  clusters: z.array(ClusterSchema.nullable().catch(null)),
  proxmox: shape.proxmox.catch(() => shape.proxmox.parse({ endpoint: "https://invalid/", apiToken: { env: PROXMOX_TOKEN_ENV } })),
  // Enabled, so the Doppler-reference rule adds nothing about a section that is already reported.
  doppler: shape.doppler.catch(() => ({ ...shape.doppler.parse(undefined), enabled: true })),
  versions: orDefault(shape.versions),
  state: orDefault(shape.state),
  credentials: orDefault(shape.credentials),
  allowPkiDestroy: orDefault(shape.allowPkiDestroy),
});

/** Environment variable naming the mesh config file. */
export const CONFIG_ENV = "AGGRIK8S_CONFIG";

export interface LoadedConfig {
  readonly config: MeshConfig;
  /** The file path, or "embedded default mesh". */
  readonly source: string;
  /** Findings that do not stop synth. */
  readonly warnings: readonly Problem[];
}

export interface LoadOptions {
  /** The process environment (passed in, so tests need not mutate process.env). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory a relative AGGRIK8S_CONFIG is resolved against. @default - process.cwd() */
  readonly cwd?: string;
}

export function loadConfig(options: LoadOptions): LoadedConfig {
  const file = options.env[CONFIG_ENV];
  if (file === undefined || file === "") {
    return validateConfig(DEFAULT_MESH, "embedded default mesh");
  }
  const full = path.resolve(options.cwd ?? process.cwd(), file);
  return validateConfig(readConfigFile(full), full);
}

/** Validates an already-parsed config object: schema, defaults, then cross-field rules. */
export function validateConfig(raw: unknown, source: string): LoadedConfig {
  const parsed = MeshConfigSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    // Cross-field rules over whatever did parse, so every problem shows in one run.
    const partial = LenientMeshSchema.safeParse(raw);
    const ruleProblems = partial.success ? checkMesh(partial.data).problems : [];
    throw new ConfigError(source, [...parsed.error.issues.map((issue) => issueToProblem(issue)), ...ruleProblems]);
  }
  const { problems, warnings } = checkMesh(parsed.data);
  if (problems.length > 0) throw new ConfigError(source, problems);
  return { config: parsed.data, source, warnings };
}

function readConfigFile(full: string): unknown {
  const fail = (message: string, fix: string): never => {
    throw new ConfigError(full, [{ path: CONFIG_ENV, message, fix }]);
  };
  const ext = path.extname(full).toLowerCase();
  if (![".yaml", ".yml", ".json"].includes(ext)) {
    fail(`${full} has extension "${ext}"`, "name a .yaml, .yml or .json file");
  }
  if (!fs.existsSync(full)) fail(`file ${full} does not exist`, "point AGGRIK8S_CONFIG at your mesh config, or unset it to use the embedded default mesh");
  const text = fs.readFileSync(full, "utf8");
  if (ext === ".json") {
    try {
      return JSON.parse(text);
    } catch (e) {
      return fail(`${full} is not valid JSON: ${(e as Error).message}`, "fix the JSON syntax");
    }
  }
  const doc = YAML.parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const where = first.linePos ? ` at line ${first.linePos[0].line}, column ${first.linePos[0].col}` : "";
    fail(`${full} is not valid YAML${where}: ${first.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`, "fix the YAML syntax");
  }
  return doc.toJS();
}

/** `["clusters", 0, "network"]` -> `clusters[0].network`. */
export function formatPath(parts: readonly PropertyKey[]): string {
  return parts
    .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join("") || "(top level)";
}

let jsonSchema: JsonSchemaNode | undefined;

interface JsonSchemaNode {
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
}

/** Keys the schema allows at `parts`, for "did you mean" hints. */
function allowedKeys(parts: readonly PropertyKey[]): string[] {
  // Built on first use: only a config with an unknown key pays for it.
  jsonSchema ??= z.toJSONSchema(MeshConfigSchema, { io: "input", unrepresentable: "any" }) as JsonSchemaNode;
  let node: JsonSchemaNode | undefined = jsonSchema;
  for (const p of parts) {
    if (!node) return [];
    node = typeof p === "number" ? node.items : node.properties?.[String(p)];
  }
  return Object.keys(node?.properties ?? {});
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

/** Masks the password of a URL with credentials (e.g. a pg connStr written with one). */
function redact<T>(value: T): T {
  return (typeof value === "string" ? value.replace(/(:\/\/[^:/@]+):[^@/]*@/, "$1:****@") : value) as T;
}

function isPrimitive(v: unknown): v is string | number | boolean {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

function issueToProblem(issue: z.core.$ZodIssue): Problem {
  const where = formatPath(issue.path);
  if (issue.input === undefined && issue.code !== "unrecognized_keys" && issue.code !== "custom") {
    return { path: where, message: "required field is missing", fix: `add ${where} (see the README's config reference)` };
  }
  const [message, fix] = issue.message.split(". Fix: ");
  // Echo the bad value, except where it may be a secret written inline.
  const got = issue.code !== "invalid_union" && isPrimitive(issue.input) ? ` (got ${JSON.stringify(redact(issue.input))})` : "";
  if (fix !== undefined) return { path: where, message: `${message}${got}`, fix };
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = allowedKeys(issue.path);
      const hints = issue.keys.map((k) => {
        const close = allowed.filter((a) => distance(a.toLowerCase(), k.toLowerCase()) <= 2);
        return close.length ? `"${k}" -> did you mean "${close[0]}"?` : `remove "${k}"`;
      });
      return {
        path: where,
        message: `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`,
        fix: `${hints.join("; ")} (allowed here: ${allowed.join(", ")})`,
      };
    }
    case "invalid_type":
      return {
        path: where,
        message: `expected ${issue.expected}, got ${Array.isArray(issue.input) ? "array" : typeof issue.input} ${JSON.stringify(issue.input)}`,
        fix: `write a ${issue.expected}`,
      };
    case "invalid_value":
      return { path: where, message: `${JSON.stringify(issue.input)} is not allowed`, fix: `use one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}` };
    default:
      return { path: where, message: `${issue.message}${got}`, fix: "see the field in the README's config reference" };
  }
}
