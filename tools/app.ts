/**
 * The synth entry point shared by main.ts and the tests: load and validate
 * the config, print warnings, build the app and synthesize it into a
 * scratch directory. Only a synth with no errors (config, construct props or
 * policy rules) replaces the output directory, so bad input leaves cdktf.out/
 * as it was and exits non-zero.
 */
import * as fs from "fs";
import * as path from "path";
import { AnnotationMetadataEntryType, App, TerraformStack } from "cdktf";
import { IConstruct } from "constructs";
import { applyPolicies, policyRules, PolicyRule } from "../lib/aspects";
import { configFingerprint, describeConfig, loadConfig } from "../lib/config/load";
import { setProjectPaths } from "../lib/project-path";
import { MeshConfig } from "../lib/config/schema";
import { Aggrik8sError, formatProblem } from "../lib/errors";
import { localStates, orphanWarning, orphanedStates } from "./state-inventory";

export interface RunOptions {
  /** The process environment; only the config loader reads it. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Builds the stacks of the mesh into `app`. */
  readonly build: (app: App, config: MeshConfig) => void;
  /** Where synthesized stacks go. @default - $CDKTF_OUTDIR (set by the cdktf CLI), else cdktf.out */
  readonly outdir?: string;
  /** Sink for errors and warnings. @default - process.stderr */
  readonly stderr?: (line: string) => void;
  /**
   * Also say on success which stacks were written where (to `stderr`), as
   * `cdktf synth` does: `npm run synth` runs main.ts without the cdktf CLI.
   * @default false
   */
  readonly announce?: boolean;
  /** The policy rules synth applies. @default - policyRules(), every rule of lib/aspects/ */
  readonly rules?: readonly PolicyRule[];
}

/**
 * The file in the output directory that says which config it was synthesized
 * from: `{ source, fingerprint }` (configFingerprint of the resolved config).
 * `npm run diff|deploy -- --skip-synth` compare it with the current config.
 */
export const CONFIG_STAMP_FILE = "aggrik8s-config.json";

export interface ConfigStamp {
  /** The config's file path, or "embedded default mesh". */
  readonly source: string;
  readonly fingerprint: string;
}

/** The stamp synth left in `outdir`, or undefined when there is none (an output directory of an older version, or none at all). */
export function readConfigStamp(outdir: string): ConfigStamp | undefined {
  const file = path.join(outdir, CONFIG_STAMP_FILE);
  if (!fs.existsSync(file)) return undefined;
  try {
    const stamp = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<ConfigStamp>;
    return typeof stamp.source === "string" && typeof stamp.fingerprint === "string" ? { source: stamp.source, fingerprint: stamp.fingerprint } : undefined;
  } catch {
    return undefined;
  }
}

/** Returns the process exit code: 0 synthesized, 1 bad input. Other errors are bugs and propagate. */
export function runApp(options: RunOptions): number {
  const stderr = options.stderr ?? ((line: string) => process.stderr.write(`${line}\n`));
  const outdir = path.resolve(options.outdir ?? options.env.CDKTF_OUTDIR ?? "cdktf.out");
  const scratch = `${outdir}.partial-${process.pid}`;
  fs.rmSync(scratch, { recursive: true, force: true });
  // cdktf's App creates its outdir, but not the folders above it.
  fs.mkdirSync(path.dirname(scratch), { recursive: true });
  try {
    const loaded = loadConfig({ env: options.env });
    const { config, warnings } = loaded;
    if (options.announce) stderr(describeConfig(loaded));
    for (const w of warnings) stderr(`warning: ${formatProblem(w)}`);
    // Construct stack traces are for debugging cdktf itself; capturing one per
    // construct was a measurable share of synth time (docs/benchmark.md).
    const app = new App({ outdir: scratch, stackTraces: false });
    // Relative state and credential paths are written as seen from the final output directory.
    setProjectPaths(app, process.cwd(), outdir);
    options.build(app, config);
    applyPolicies(app, options.rules ?? policyRules());
    // cdktf throws at the first stack with an error annotation (unless the cdktf
    // CLI asked it to go on); either way the annotations are on the constructs.
    let thrown: { error: unknown } | undefined;
    try {
      app.synth();
    } catch (e) {
      thrown = { error: e };
    }
    const errors = annotations(app, AnnotationMetadataEntryType.ERROR);
    if (errors.length > 0) {
      stderr(`error: ${errors.length} policy violation${errors.length === 1 ? "" : "s"}:`);
      for (const a of errors) stderr(`  - ${a}`);
      return 1;
    }
    if (thrown) throw thrown.error;
    for (const a of annotations(app, AnnotationMetadataEntryType.WARN)) stderr(`warning: ${a}`);
    if (options.announce) for (const a of annotations(app, AnnotationMetadataEntryType.INFO)) stderr(`info: ${a}`);
    const stamp: ConfigStamp = { source: loaded.source, fingerprint: configFingerprint(config) };
    fs.writeFileSync(path.join(scratch, CONFIG_STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`);
    fs.mkdirSync(outdir, { recursive: true });
    fs.cpSync(scratch, outdir, { recursive: true });
    // Stacks of an earlier config go; the current ones keep their engine working files (.terraform, saved plans).
    const current = new Set(fs.readdirSync(path.join(scratch, "stacks")));
    for (const old of fs.existsSync(path.join(outdir, "stacks")) ? fs.readdirSync(path.join(outdir, "stacks")) : []) {
      if (!current.has(old)) fs.rmSync(path.join(outdir, "stacks", old), { recursive: true, force: true });
    }
    // Other backends are listed on diff: synth does not wait on a network.
    if (config.state.backend === "local") {
      const stacks = app.node
        .findAll()
        .filter(TerraformStack.isStack)
        .map((s) => s.node.id);
      for (const s of orphanedStates(localStates(config.state.dir), stacks)) stderr(`warning: ${orphanWarning(s)}`);
    }
    if (options.announce) {
      const stacks = app.node
        .findAll()
        .filter(TerraformStack.isStack)
        .map((s) => s.node.id);
      const shown = path.relative(process.cwd(), outdir);
      const where = shown === "" ? "." : shown.startsWith("..") ? outdir : shown;
      stderr(`synthesized ${stacks.length} stack${stacks.length === 1 ? "" : "s"} into ${where}/: ${stacks.join(", ")}`);
    }
    return 0;
  } catch (e) {
    if (e instanceof Aggrik8sError) {
      stderr(`error: ${e.message}`);
      return 1;
    }
    throw e;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Every annotation of `level` in the tree, each naming its construct (the rule pack's start with the rule id and name the construct already). */
function annotations(root: IConstruct, level: AnnotationMetadataEntryType): string[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === level)
      .map((m) => String(m.data))
      .map((text) => (text.includes(c.node.path) ? text : `${c.node.path}: ${text}`)),
  );
}
