// The fixture configs every stack test reads, each synthesized once per jest
// run: the first test file that asks builds the mesh (Testing.app, buildMesh,
// cross-stack wiring, Testing.synth per stack, exactly what a test did by
// itself before) and leaves the result in the run's cache directory
// (global-setup.js); every later file reads it from there. A test that needs
// another config (an edited default mesh) still builds its own.
import * as fs from "fs";
import * as path from "path";
import { TerraformResource, TerraformStack, Testing } from "cdktf";
import { loadConfig } from "../lib/config/load";
import { MeshConfig } from "../lib/config/schema";
import { buildMesh } from "../stacks";
import { CLUSTER_STACK_KINDS, ClusterStackKind, MESH_CA_STACK, MESH_CREDENTIALS_STACK, clusterStackName } from "../stacks/naming";
import { runApp } from "../tools/app";
import { prepareAll } from "./helpers";

const root = path.join(__dirname, "..");

/** The fixture configs, by name: the embedded default mesh and the documented examples. */
export const FIXTURE_FILES = {
  default: undefined,
  "three-clusters": path.join(root, "examples", "three-clusters.yaml"),
  "two-hosts": path.join(root, "examples", "two-hosts.yaml"),
} as const satisfies Record<string, string | undefined>;
export type FixtureName = keyof typeof FIXTURE_FILES;
export const FIXTURE_NAMES = Object.keys(FIXTURE_FILES) as FixtureName[];

/** Every stack kind, from the naming registry (stacks/naming.ts): the mesh's own stacks and each cluster's. */
export const STACK_KIND_NAMES: readonly string[] = [MESH_CA_STACK, ...CLUSTER_STACK_KINDS, MESH_CREDENTIALS_STACK];

/** A managed resource of a synthesized stack: what its state address follows. */
export interface FixtureResource {
  /** Terraform resource type, e.g. `helm_release`. */
  readonly type: string;
  /** Construct path below the stack, e.g. `cert-manager/release`. */
  readonly path: string;
  /** The logical id (the name in the state address `<type>.<id>`). */
  readonly id: string;
  /** Whether the id is the one cdktf derives from the path (false: overridden with overrideLogicalId). */
  readonly derivedFromPath: boolean;
}

/** One stack of a fixture synthesis. */
export interface FixtureStack {
  readonly name: string;
  /** Its kind in the naming registry. */
  readonly kind: string;
  /** The cluster, for a per-cluster kind. */
  readonly cluster?: string;
  /** Names of the stacks it depends on (cdktf's stack dependencies). */
  readonly dependencies: readonly string[];
  /** Testing.synth of the stack: the snapshot text. */
  readonly synth: string;
  /** Every managed resource (the `resource` blocks), in construct order. */
  readonly resources: readonly FixtureResource[];
}

interface FixtureData {
  readonly clusters: readonly string[];
  /** In construction order. */
  readonly stacks: readonly FixtureStack[];
}

/** A fixture config's synthesis: its stacks, by name or by kind. */
export interface Fixture extends FixtureData {
  /** The resolved config (a fresh copy each call). */
  config(): MeshConfig;
  /** The stack of that name; throws naming the ones there are. */
  stack(name: string): FixtureStack;
  /** The stack of a kind: a mesh kind's one stack, or a cluster kind's stack of the n-th cluster (config order). */
  ofKind(kind: string, clusterIndex?: number): FixtureStack;
  /** A stack's synthesized JSON, parsed and frozen (a test cannot change what the next one reads). */
  json(name: string): any;
}

/** The resolved config of a fixture, loaded as `npm run synth` loads it. */
export function fixtureConfig(name: FixtureName): MeshConfig {
  const file = FIXTURE_FILES[name];
  return loadConfig({ env: { AGGRIK8S_CONFIG: file ?? "" } }).config;
}

/** The stack kind and cluster a stack name stands for, from the naming registry. */
export function kindOfStack(name: string, clusters: readonly string[]): { kind: string; cluster?: string } {
  if (name === MESH_CA_STACK || name === MESH_CREDENTIALS_STACK) return { kind: name };
  for (const cluster of clusters)
    for (const kind of CLUSTER_STACK_KINDS as readonly ClusterStackKind[]) if (name === clusterStackName(cluster, kind)) return { kind, cluster };
  throw new Error(`stack ${name} is of no kind in stacks/naming.ts (clusters ${clusters.join(", ")})`);
}

function synthesize(name: FixtureName): FixtureData {
  const config = fixtureConfig(name);
  const app = Testing.app();
  buildMesh(app, config);
  prepareAll(app);
  const clusters = config.clusters.map((c) => c.name);
  const stacks = app.node
    .findAll()
    .filter(TerraformStack.isStack)
    .map((stack): FixtureStack => {
      const synth = Testing.synth(stack);
      const resources = stack.node
        .findAll()
        .filter(TerraformResource.isTerraformResource)
        .map((r) => ({
          type: r.terraformResourceType,
          path: r.node.path.slice(stack.node.path.length + 1),
          id: r.friendlyUniqueId,
          derivedFromPath: r.friendlyUniqueId === stack.getLogicalId(r),
        }));
      return { name: stack.node.id, ...kindOfStack(stack.node.id, clusters), dependencies: stack.dependencies.map((d) => d.node.id), synth, resources };
    });
  return { clusters, stacks };
}

/** The run's cache directory (global-setup.js), or undefined outside a jest run with it. */
function cacheDir(): string | undefined {
  const dir = process.env.AGGRIK8S_FIXTURE_CACHE;
  return dir && fs.existsSync(dir) ? dir : undefined;
}

/** Writes `text` to `file` so a reader in another worker never sees half of it. */
function writeAtomically(file: string, text: string): void {
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, text);
  fs.renameSync(partial, file);
}

const loaded = new Map<FixtureName, Fixture>();

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The synthesis of a fixture config: made once per jest run, read from the run's cache after that. */
export function fixture(name: FixtureName): Fixture {
  const known = loaded.get(name);
  if (known) return known;
  const dir = cacheDir();
  const file = dir && path.join(dir, `${name}.json`);
  let data: FixtureData;
  if (file && fs.existsSync(file)) data = JSON.parse(fs.readFileSync(file, "utf8"));
  else {
    data = synthesize(name);
    if (file) writeAtomically(file, JSON.stringify(data));
  }
  deepFreeze(data);
  const byName = new Map(data.stacks.map((s) => [s.name, s]));
  const parsed = new Map<string, any>();
  const stack = (stackName: string) => {
    const s = byName.get(stackName);
    if (!s) throw new Error(`fixture ${name} has no stack ${stackName}; it has ${[...byName.keys()].join(", ")}`);
    return s;
  };
  const f: Fixture = {
    ...data,
    config: () => fixtureConfig(name),
    stack,
    ofKind: (kind, clusterIndex = 0) => {
      const found = data.stacks.filter((s) => s.kind === kind);
      const s = found.find((x) => x.cluster === undefined) ?? found.find((x) => x.cluster === data.clusters[clusterIndex]);
      if (!s) throw new Error(`fixture ${name} has no ${kind} stack for cluster #${clusterIndex}`);
      return s;
    },
    json: (stackName) => {
      if (!parsed.has(stackName)) parsed.set(stackName, deepFreeze(JSON.parse(stack(stackName).synth)));
      return parsed.get(stackName);
    },
  };
  loaded.set(name, f);
  return f;
}

/** What the synth entry point (main.ts: runApp, policy pack included) did with a fixture config. */
export interface EntryRun {
  readonly code: number;
  readonly stderr: readonly string[];
  /** Its output directory (manifest.json, stacks/), kept until the run ends. */
  readonly outdir: string;
}

/**
 * Runs the synth entry point on a fixture config once per jest run (the real
 * App, the policy pack, the manifest cdktf deploys from), like `npm run synth`.
 */
export function entryRun(name: FixtureName): EntryRun {
  const dir = cacheDir();
  const result = dir && path.join(dir, `${name}.entry.json`);
  if (result && fs.existsSync(result)) return JSON.parse(fs.readFileSync(result, "utf8"));
  const base = dir ?? fs.mkdtempSync(path.join(require("os").tmpdir(), "aggrik8s-entry-"));
  const outdir = path.join(base, `${name}.entry-${process.pid}`);
  const stderr: string[] = [];
  const code = runApp({ env: { AGGRIK8S_CONFIG: FIXTURE_FILES[name] ?? "" }, build: buildMesh, outdir, stderr: (l) => stderr.push(...l.split("\n")) });
  const run: EntryRun = { code, stderr, outdir };
  if (result) writeAtomically(result, JSON.stringify(run));
  return run;
}
