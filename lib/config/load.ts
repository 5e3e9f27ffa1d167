/**
 * The one config loader: reads the file named by AGGRIK8S_CONFIG (YAML or
 * JSON) or takes the embedded default, validates it with the schema and the
 * cross-field rules, and returns the config with every default filled in,
 * or throws a ConfigError listing every problem. Constructs never read the
 * environment: this is the only place that does.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { ConfigError, Problem } from "../errors";
import { DEFAULT_MESH } from "./default-mesh";
import { checkMesh } from "./rules";
import { PROXMOX_TOKEN_ENV } from "./secret-refs";
import { ConfigSource, SourceProblems, readConfigSource } from "./source";
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
  healthGates: orDefault(shape.healthGates),
});

/** Environment variable naming the mesh config file. */
export const CONFIG_ENV = "AGGRIK8S_CONFIG";

/** The config file `npm run init` writes into the working directory. */
export const LOCAL_CONFIG_FILE = "aggrik8s.yaml";

/**
 * The config files a working directory may hold, used when AGGRIK8S_CONFIG is
 * unset. More than one of them is refused: which one is meant is not guessed.
 */
export const LOCAL_CONFIG_FILES = [LOCAL_CONFIG_FILE, "aggrik8s.yml", "aggrik8s.json"] as const;

/** Where the config came from. */
export type ConfigOrigin = "env" | "local-file" | "demo";

export interface LoadedConfig {
  readonly config: MeshConfig;
  /** The file path, or "embedded default mesh". */
  readonly source: string;
  readonly origin: ConfigOrigin;
  /** Findings that do not stop synth. */
  readonly warnings: readonly Problem[];
}

export interface LoadOptions {
  /** The process environment (passed in, so tests need not mutate process.env). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory a relative AGGRIK8S_CONFIG is resolved against, and searched for ./aggrik8s.{yaml,yml,json}. @default - process.cwd() */
  readonly cwd?: string;
}

/**
 * Reads the config: the file AGGRIK8S_CONFIG names; with the variable unset,
 * the one of ./aggrik8s.yaml, ./aggrik8s.yml, ./aggrik8s.json the working
 * directory has (two or more: a ConfigError naming them); else (or with the
 * variable set to "") the embedded demo mesh.
 */
export function loadConfig(options: LoadOptions): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const named = options.env[CONFIG_ENV];
  const file = named === undefined ? localConfigFile(cwd) : named;
  if (file === undefined || file === "") {
    return { ...validateConfig(DEFAULT_MESH, "embedded default mesh"), origin: "demo" };
  }
  const full = path.resolve(cwd, file);
  // Problems name the file as the user would: relative to where they run, when it is below.
  const shown = path.relative(cwd, full).startsWith("..") ? full : path.relative(cwd, full);
  const source = readConfigFile(full, shown);
  return { ...validateConfig(source.value, full, source), origin: named === undefined ? "local-file" : "env" };
}

/** The one local config file in `cwd`, if any; several are refused rather than one picked. */
function localConfigFile(cwd: string): string | undefined {
  const found = LOCAL_CONFIG_FILES.filter((f) => fs.existsSync(path.join(cwd, f)));
  if (found.length > 1) {
    throw new ConfigError(path.join(cwd, found[0]), [
      {
        path: CONFIG_ENV,
        message: `${CONFIG_ENV} is unset and the working directory holds ${found.length} config files (${found.map((f) => `./${f}`).join(", ")}), so which one is meant is unclear`,
        fix: `keep one of them (rename or remove the others), or set ${CONFIG_ENV} to the one to use`,
      },
    ]);
  }
  return found[0];
}

/** The line every command starts with: which config, and why that one. */
export function describeConfig(loaded: Pick<LoadedConfig, "source" | "origin">): string {
  switch (loaded.origin) {
    case "env":
      return `config: ${loaded.source} (from ${CONFIG_ENV})`;
    case "local-file":
      return `config: ${loaded.source} (./${path.basename(loaded.source)}; ${CONFIG_ENV} is unset)`;
    default:
      return `config: the embedded demo mesh (no ${CONFIG_ENV}, no ./aggrik8s.yaml, .yml or .json: npm run init writes one)`;
  }
}

/**
 * A digest of the resolved config (defaults filled in): synth records it in
 * the output directory, so a command that skips synth can tell whether what
 * is there was synthesized from the config it was given.
 */
export function configFingerprint(config: MeshConfig): string {
  return createHash("sha256").update(JSON.stringify(config)).digest("hex");
}

/**
 * Validates an already-parsed config object: schema, defaults, then
 * cross-field rules; every problem found, in one ConfigError. With `source`,
 * each problem carries its place in the file.
 */
export function validateConfig(raw: unknown, sourceName: string, source?: ConfigSource): Omit<LoadedConfig, "origin"> {
  const parsed = MeshConfigSchema.safeParse(raw, { reportInput: true });
  const located = (p: Problem, parts: readonly PropertyKey[], key = false): Problem => {
    const pos = source?.locate(parts, key);
    return pos && source ? { ...p, location: { file: sourceFile(source), ...pos } } : p;
  };
  const fromRules = (ps: readonly Problem[]) => ps.map((p) => located(p, parsePath(p.path)));
  if (!parsed.success) {
    // Cross-field rules over whatever did parse, so every problem shows in one run.
    const partial = LenientMeshSchema.safeParse(raw);
    const ruleProblems = partial.success ? [...checkMesh(partial.data).problems, ...identityOfFailedClusters(raw, partial.data.clusters)] : [];
    const schemaProblems = parsed.error.issues.map((issue) =>
      located(issueToProblem(issue), issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]] : issue.path, issue.code === "unrecognized_keys"),
    );
    throw new ConfigError(sourceName, inFileOrder([...schemaProblems, ...fromRules(ruleProblems)]));
  }
  const { problems, warnings } = checkMesh(parsed.data);
  if (problems.length > 0) throw new ConfigError(sourceName, inFileOrder(fromRules(problems)));
  return { config: parsed.data, source: sourceName, warnings: inFileOrder(fromRules(warnings)) };
}

/**
 * The cross-cluster rules skip a cluster that failed the schema; its name and
 * id are still compared with the others', so a reused one shows in the same run.
 */
function identityOfFailedClusters(raw: unknown, parsed: readonly (unknown | null)[]): Problem[] {
  const clusters = (raw as { clusters?: unknown })?.clusters;
  if (!Array.isArray(clusters)) return [];
  const problems: Problem[] = [];
  for (const field of ["name", "id"] as const) {
    const seen = new Map<unknown, number>();
    clusters.forEach((c, i) => {
      const value = (c as Record<string, unknown> | null)?.[field];
      if (typeof value !== "string" && typeof value !== "number") return;
      const first = seen.get(value);
      if (first === undefined) seen.set(value, i);
      else if (parsed[i] === null || parsed[first] === null) {
        problems.push({
          path: `clusters[${i}].${field}`,
          message: `cluster ${field} ${JSON.stringify(value)} is already used by clusters[${first}]`,
          fix: `give every cluster a unique ${field}`,
        });
      }
    });
  }
  return problems;
}

/** Problems sorted by their place in the file (stable; unlocated ones keep their order, last). */
function inFileOrder(problems: readonly Problem[]): Problem[] {
  const key = (p: Problem) => (p.location ? p.location.line * 1e4 + p.location.column : Number.MAX_SAFE_INTEGER);
  return [...problems].sort((a, b) => key(a) - key(b));
}

const sourceFiles = new WeakMap<ConfigSource, string>();
const sourceFile = (s: ConfigSource) => sourceFiles.get(s) ?? "config";

/** `clusters[0].network.vip` -> `["clusters", 0, "network", "vip"]`. */
export function parsePath(text: string): PropertyKey[] {
  return [...text.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]));
}

function readConfigFile(full: string, shown: string): ConfigSource {
  const fail = (message: string, fix: string): never => {
    throw new ConfigError(full, [{ path: CONFIG_ENV, message, fix }]);
  };
  const ext = path.extname(full).toLowerCase();
  if (![".yaml", ".yml", ".json"].includes(ext)) {
    fail(`${full} has extension "${ext}"`, "name a .yaml, .yml or .json file");
  }
  if (!fs.existsSync(full)) fail(`file ${full} does not exist`, "point AGGRIK8S_CONFIG at your mesh config, or unset it to use the embedded default mesh");
  try {
    const source = readConfigSource(shown, fs.readFileSync(full, "utf8"), ext === ".json" ? "json" : "yaml");
    sourceFiles.set(source, shown);
    return source;
  } catch (e) {
    if (e instanceof SourceProblems) throw new ConfigError(full, e.problems);
    throw e;
  }
}

/** `["clusters", 0, "network"]` -> `clusters[0].network`. */
export function formatPath(parts: readonly PropertyKey[]): string {
  return parts.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("") || "(top level)";
}

let jsonSchema: JsonSchemaNode | undefined;

interface JsonSchemaNode {
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
  additionalProperties?: JsonSchemaNode | boolean;
}

/** Keys the schema allows at `parts`, for "did you mean" hints. */
function allowedKeys(parts: readonly PropertyKey[]): string[] {
  // Built on first use: only a config with an unknown key pays for it.
  jsonSchema ??= z.toJSONSchema(MeshConfigSchema, { io: "input", unrepresentable: "any" }) as JsonSchemaNode;
  let node: JsonSchemaNode | undefined = jsonSchema;
  for (const p of parts) {
    if (!node) return [];
    // A record (e.g. proxmox.hosts) has its entries' schema under additionalProperties.
    node =
      typeof p === "number"
        ? node.items
        : (node.properties?.[String(p)] ?? (typeof node.additionalProperties === "object" ? node.additionalProperties : undefined));
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

/** A value as it appears in a message: short, credentials masked later by formatProblem. */
function excerpt(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Zod's type names as an operator reads them. */
const TYPE_WORDS: Record<string, string> = {
  int: "a whole number",
  number: "a number",
  string: "text",
  boolean: "true or false",
  object: "a mapping (key: value)",
  array: "a list",
  record: "a mapping (key: value)",
};

function kindOf(v: unknown): string {
  if (v === null) return "nothing (null)";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "number") return Number.isInteger(v) ? "a whole number" : "a number";
  return typeof v === "string" ? "text" : typeof v;
}

/** Why a number has its lower bound, by field name: said with the bound. */
const MINIMUM_REASONS: Record<string, string> = {
  cores: "a VM needs at least one vCPU core",
  replicas: "Ceph keeps at least one copy of every object",
  vlanId: "VLAN ids run from 1 to 4094",
  dnsServers: "nodes need a DNS server to pull images",
  clusters: "a mesh has at least one cluster",
  bucket: "S3 bucket names have at least 3 characters",
};

/** Keys one level up and one level down from `parts`, by dotted path relative to `parts`' parent. */
function nearbyKeys(parts: readonly PropertyKey[]): Map<string, string> {
  const found = new Map<string, string>();
  if (parts.length > 0) {
    const parentParts = parts.slice(0, -1);
    for (const k of allowedKeys(parentParts)) if (!found.has(k)) found.set(k, `${formatPath(parentParts)}.${k}`.replace(/^\(top level\)\./, ""));
  }
  for (const child of allowedKeys(parts)) {
    for (const k of allowedKeys([...parts, child])) if (!found.has(k)) found.set(k, `${child}.${k}`);
  }
  return found;
}

function isPrimitive(v: unknown): v is string | number | boolean {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

function issueToProblem(issue: z.core.$ZodIssue): Problem {
  const where = formatPath(issue.path);
  const field = String([...issue.path].reverse().find((p) => typeof p === "string") ?? "value");
  if (issue.input === undefined && issue.code !== "unrecognized_keys" && issue.code !== "custom") {
    return { path: where, message: "required field is missing", fix: `add ${where} (see docs/config.md)` };
  }
  const [message, fix] = issue.message.split(". Fix: ");
  // Echo the bad value, except where it may be a secret written inline (formatProblem masks credentials too).
  const got = issue.code !== "invalid_union" && isPrimitive(issue.input) ? ` (got ${excerpt(issue.input)})` : "";
  if (fix !== undefined) return { path: where, message: `${message}${got}`, fix };
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = allowedKeys(issue.path);
      const nearby = nearbyKeys(issue.path);
      const hints = issue.keys.map((k) => {
        const close = allowed.filter((a) => distance(a.toLowerCase(), k.toLowerCase()) <= 2);
        if (close.length) return `"${k}" -> did you mean "${close[0]}"?`;
        const moved = nearby.get(k);
        return moved ? `"${k}" belongs elsewhere: did you mean \`${moved}\`?` : `remove "${k}"`;
      });
      return {
        path: where,
        message: `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`,
        fix: `${hints.join("; ")} (allowed here: ${allowed.join(", ")})`,
      };
    }
    case "invalid_type": {
      const want = TYPE_WORDS[issue.expected] ?? issue.expected;
      if (issue.path.length === 0) {
        return {
          path: where,
          message: `the config must be a mapping of sections (proxmox, clusters, ...), but the file holds ${kindOf(issue.input)} ${excerpt(issue.input)}`,
          fix: "start from examples/three-clusters.yaml",
        };
      }
      return { path: where, message: `${field} must be ${want}, but it is ${kindOf(issue.input)} ${excerpt(issue.input)}`, fix: `write ${field} as ${want}` };
    }
    case "too_small":
    case "too_big": {
      const bound = issue.code === "too_small" ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum;
      const what =
        issue.origin === "array"
          ? `${field} must list at least ${bound} item${Number(bound) === 1 ? "" : "s"}`
          : issue.origin === "string"
            ? `${field} must have at least ${bound} characters`
            : `${field} must be ${issue.code === "too_small" ? "at least" : "at most"} ${bound}`;
      const reason = issue.code === "too_small" ? MINIMUM_REASONS[field] : undefined;
      const gotValue = Array.isArray(issue.input) ? ` (got ${issue.input.length})` : got;
      return {
        path: where,
        message: `${what}${reason ? `: ${reason}` : ""}${gotValue}`,
        fix: `set ${field} to ${issue.code === "too_small" ? "at least" : "at most"} ${bound}`,
      };
    }
    case "invalid_union": {
      const input = issue.input as Record<string, unknown> | undefined;
      if (field === "state" || (where.startsWith("state") && input && typeof input === "object" && "backend" in input)) {
        return {
          path: issue.path.at(-1) === "backend" ? where : `${where}.backend`,
          message: `unknown state backend ${excerpt(input?.backend ?? issue.input)}`,
          fix: "use one of local, pg, s3, http",
        };
      }
      return { path: where, message: `${issue.message}${got}`, fix: "see the field in docs/config.md" };
    }
    case "invalid_value":
      return { path: where, message: `${excerpt(issue.input)} is not allowed`, fix: `use one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}` };
    default:
      return { path: where, message: `${issue.message}${got}`, fix: "see the field in docs/config.md" };
  }
}
