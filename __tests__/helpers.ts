// Shared fixtures: configs, scratch directories and synth helpers.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformStack, Testing } from "cdktf";
import YAML from "yaml";
import { runApp } from "../tools/app";
import { DEFAULT_MESH } from "../lib/config/default-mesh";
import { PLATFORM_COMPONENTS } from "../lib/platform/components";
import { loadConfig, validateConfig } from "../lib/config/load";
import { MeshConfig, MeshConfigInput } from "../lib/config/schema";
import { buildMesh } from "../stacks";

/** A cluster's `platform` with every day-2 component switched off. */
export function allComponentsOff(): NonNullable<MeshConfigInput["clusters"][number]["platform"]> {
  return Object.fromEntries(PLATFORM_COMPONENTS.map((c) => [c.key, { enabled: false }]));
}

/** A deep copy of the embedded default mesh, to mutate freely. */
export function defaultInput(): MeshConfigInput {
  return structuredClone(DEFAULT_MESH);
}

/** The default mesh with defaults filled in, after `edit` changed the input. */
export function resolvedConfig(edit: (c: MeshConfigInput) => void = () => {}): MeshConfig {
  const input = defaultInput();
  edit(input);
  return validateConfig(input, "test").config;
}

/** The documented three-cluster example (examples/three-clusters.yaml). */
export const THREE_CLUSTER_FILE = path.join(__dirname, "..", "examples", "three-clusters.yaml");

export function threeClusterConfig(): MeshConfig {
  return loadConfig({ env: { AGGRIK8S_CONFIG: THREE_CLUSTER_FILE } }).config;
}

const scratchDirs: string[] = [];

/** A fresh temporary directory, removed after the test file (setup.js). */
export function scratchDir(prefix = "aggrik8s-test-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
}

/** The engine (terraform or tofu) the toolchain finds here, or undefined when there is none. */
export function localEngine(): string | undefined {
  try {
    return (require("../scripts/lib/toolchain") as { engine(): string }).engine();
  } catch {
    return undefined;
  }
}

/** Whether a test that needs an engine runs: where one is found, and always in CI, which has one (there a missing engine fails, not skips). */
export function engineTestsRun(engine: string | undefined): boolean {
  return engine !== undefined || process.env.CI === "true";
}

export function removeScratchDirs(): void {
  for (const dir of scratchDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Writes a config as YAML (or JSON for a .json name) into a scratch dir; returns its path. */
export function writeConfig(config: unknown, name = "mesh.yaml"): string {
  const file = path.join(scratchDir(), name);
  fs.writeFileSync(file, name.endsWith(".json") ? JSON.stringify(config) : YAML.stringify(config));
  return file;
}

export interface RunResult {
  readonly code: number;
  readonly stderr: string[];
  readonly outdir: string;
}

/**
 * Runs the same entry point as `cdktf synth` (main.ts) with the given
 * environment; without AGGRIK8S_CONFIG in it, the embedded demo mesh (never a
 * ./aggrik8s.yaml the user's checkout may hold).
 */
export function runSynth(env: Record<string, string | undefined>, outdir = scratchDir()): RunResult {
  const stderr: string[] = [];
  const code = runApp({ env: { AGGRIK8S_CONFIG: "", ...env }, build: buildMesh, outdir, stderr: (l) => stderr.push(...l.split("\n")) });
  return { code, stderr, outdir };
}

/** Synthesized JSON of one stack of an app built from `config`. */
export function synthMeshStack(config: MeshConfig, stackName: string): string {
  const app = Testing.app();
  buildMesh(app, config);
  const stack = app.node.findChild(stackName) as TerraformStack;
  return Testing.synth(stack);
}

/** An app with every stack of the mesh `config` builds, cross-stack wiring done. */
export function meshApp(config: MeshConfig) {
  const app = Testing.app();
  const stacks = buildMesh(app, config);
  prepareAll(app);
  return { app, stacks };
}

/** Parsed synthesized JSON. */
export function parse(synth: string): any {
  return JSON.parse(synth);
}

/** Runs cdktf's cross-stack wiring (what app.synth() does first) so a stack synthesizes alone. */
export function prepareAll(app: App): void {
  app.node
    .findAll()
    .filter(TerraformStack.isStack)
    .forEach((s) => s.prepareStack());
}

/** Every file under `dir`, as sorted paths relative to it. */
export function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]))
    .sort();
}

/** Asserts that two directory trees hold the same files with the same text, naming the first file that differs. */
export function expectSameTree(actual: string, expected: string): void {
  expect(filesUnder(actual)).toEqual(filesUnder(expected));
  for (const f of filesUnder(expected)) {
    expect({ f, text: fs.readFileSync(path.join(actual, f), "utf8") }).toEqual({ f, text: fs.readFileSync(path.join(expected, f), "utf8") });
  }
}
