/**
 * What every proof shares: its log voice, a scratch folder it removes (or
 * keeps with --keep), the toolchain cache (engine, provider mirror, Go-built
 * tools), the engine's CLI config, running commands with their output
 * kept for the report, and stopping the processes a proof started by PID.
 */
import { ChildProcess, SpawnSyncOptions, SpawnSyncReturns, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { loadConfig } from "../../lib/config/load";
import { StackKindName, parseStackName } from "../../stacks/naming";
// Plain JS shared with the JS scripts (scripts/lib/toolchain.js): the one lookup of the cache and engine.
import * as toolchain from "../../scripts/lib/toolchain";

/** The parts of versions.json the proofs read. */
export interface Versions {
  readonly providers: Record<string, { readonly source: string; readonly version: string }>;
  readonly platform: { readonly talos: string; readonly kubernetes: string; readonly cilium: string };
  readonly charts: Record<
    string,
    { readonly repository: string; readonly chart: string; readonly version: string; readonly source: { readonly archive: string; readonly path: string } }
  >;
  readonly kit: Record<string, { readonly version?: string; readonly module: string; readonly ref?: string }>;
}

export const repoRoot = toolchain.repoRoot;
export const versions: Versions = toolchain.versions;
export const cacheDir = toolchain.cacheDir;
export const engine = toolchain.engine;
export const mirroredProviders = toolchain.mirroredProviders;
export const synthesize: (entry: string, outdir: string, env?: NodeJS.ProcessEnv) => { name: string; dir: string }[] = toolchain.synthesize;
export const compiled = toolchain.compiled;
/** A synthesized stack with its kind, and its cluster for a per-cluster kind, as the registry (stacks/naming.ts) reads its name. */
export type KindedStack<T> = T & { readonly kind: StackKindName; readonly cluster?: string };

/**
 * Each stack's kind and cluster, from the registry (stacks/naming.ts:
 * parseStackName) given the mesh's clusters: matched exactly, never by a
 * name's suffix or prefix (a cluster `east` does not take `east-2`'s stacks).
 * A stack of no known kind throws.
 */
export function withKinds<T extends { readonly name: string }>(stacks: readonly T[], clusters: readonly string[]): KindedStack<T>[] {
  return stacks.map((s) => {
    const parsed = parseStackName(s.name, clusters);
    if (!parsed) throw new Error(`stack ${s.name} is of no stack kind of stacks/naming.ts for the clusters ${clusters.join(", ")}`);
    return { ...s, kind: parsed.kind, ...("cluster" in parsed ? { cluster: parsed.cluster } : {}) };
  });
}

/** The cluster names of the config the environment names (AGGRIK8S_CONFIG, "" for the embedded demo mesh), loaded as the app loads it. */
export function configClusters(env: NodeJS.ProcessEnv = {}): string[] {
  return loadConfig({ env: { ...process.env, ...env }, cwd: repoRoot }).config.clusters.map((c) => c.name);
}

/** synthesize() of main.ts with each stack's kind and cluster (withKinds) for the clusters of the config `env` names. */
export function synthesizeMesh(outdir: string, env: NodeJS.ProcessEnv = {}): KindedStack<{ name: string; dir: string }>[] {
  return withKinds(synthesize("main.ts", outdir, env), configClusters(env));
}

/** The versions.json name of a required_providers source, undefined when nothing pins it. */
export const providerName: (source: string) => string | undefined = toolchain.providerName;

/** The engine's environment: the toolchain's CLI config (offline mirror) when it exists, no prompts, no telemetry. */
export function engineEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...toolchain.engineEnv([]).env, ...extra };
}

/** Whether the toolchain's CLI config exists and its offline mirror holds every provider named (versions.json names). */
export function offline(wanted: readonly string[]): boolean {
  return toolchain.engineEnv([...wanted]).offline;
}

export interface Proof {
  log(message: string): void;
  /** Ends the proof with exit code 1; `finally` handlers registered with `onExit` still run. */
  die(message: string): never;
  /** The proof's scratch folder (removed at exit unless --keep). */
  readonly scratch: string;
  readonly keep: boolean;
  /** Runs at exit, last registered first, whatever ended the proof. */
  onExit(fn: () => void): void;
}

/** Sets up a proof named `name`: `[name] message` lines, a scratch folder, exit handlers. */
export function proof(name: string, argv: readonly string[] = process.argv.slice(2), scratch?: string): Proof {
  const keep = argv.includes("--keep");
  const dir = scratch ?? fs.mkdtempSync(path.join(os.tmpdir(), `aggrik8s-${name}-`));
  const handlers: (() => void)[] = [];
  let exiting = false;
  const exit = () => {
    if (exiting) return;
    exiting = true;
    for (const fn of handlers.reverse()) {
      try {
        fn();
      } catch (e) {
        console.error(`[${name}] cleanup failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (keep) console.log(`[${name}] kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  };
  process.on("exit", exit);
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));
  return {
    log: (m) => console.log(`[${name}] ${m}`),
    die: (m) => {
      console.error(`[${name}] error: ${m}`);
      process.exit(1);
    },
    scratch: dir,
    keep,
    onExit: (fn) => handlers.push(fn),
  };
}

/** spawnSync with text output and room for large plans; throws only when the command cannot start. */
export function run(cmd: string, args: readonly string[], opts: SpawnSyncOptions = {}): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, ...opts }) as SpawnSyncReturns<string>;
  if (r.error) throw r.error;
  return r;
}

/** A tool pinned in versions.json `tools`, built once into the toolchain cache (scripts/lib/go-tool.sh). */
export function goTool(name: string): string {
  const r = run("bash", [path.join(repoRoot, "scripts", "lib", "go-tool.sh"), name], { stdio: ["ignore", "pipe", "inherit"] });
  if (r.status !== 0) throw new Error(`building ${name} failed`);
  return r.stdout.trim();
}

/** Waits `ms` milliseconds (asynchronously). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits `ms` milliseconds, blocking: for exit handlers, which run synchronously. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Whether a process runs: an exited child stays a zombie until Node reaps it, which a synchronous wait never lets it do. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/PID/stat: "pid (comm) STATE ..."; Z is a zombie (exited).
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/**
 * Stops the process `pid`: SIGTERM, then SIGKILL when it still runs after
 * `graceSeconds`; returns once it is gone. Synchronous, so exit handlers can
 * call it. The caller makes sure `pid` is a process it started.
 */
export function stopPid(pid: number, graceSeconds = 5): void {
  if (!alive(pid)) return;
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  for (const end = Date.now() + graceSeconds * 1000; alive(pid) && Date.now() < end;) sleepSync(100);
  if (alive(pid)) process.kill(pid, "SIGKILL");
}

/** Stops a child the proof spawned, by its PID (stopPid), unless Node already saw it end (its PID may then be another's). */
export function stopChild(child: ChildProcess, graceSeconds = 5): void {
  if (child.pid && child.exitCode === null && child.signalCode === null) stopPid(child.pid, graceSeconds);
}
