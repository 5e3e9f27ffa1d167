import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { scratchDir } from "../helpers";

const root = path.join(__dirname, "..", "..");
const runTs = (entry: string, env: NodeJS.ProcessEnv = process.env) =>
  spawnSync(process.execPath, [path.join(root, "scripts", "run-ts.js"), entry], { cwd: root, encoding: "utf8", env });

// The synth runner caches its bundle: a stale one would synthesize old code.
describe("scripts/run-ts.js", () => {
  const dir = scratchDir();
  const entry = path.join(dir, "entry.ts");
  const dep = path.join(dir, "dep.ts");
  fs.writeFileSync(entry, 'import { value } from "./dep";\nconsole.log(value);\n');
  fs.writeFileSync(dep, "export const value: number = 1;\n");
  const bundle = path.join(root, "node_modules", ".cache", "aggrik8s", `${path.relative(root, entry).replace(/[\\/]/g, "__")}.js`);
  const codeCaches = () => fs.readdirSync(path.dirname(bundle)).filter((f) => f.startsWith(`${path.basename(bundle)}.`) && f.endsWith(".v8cache"));
  afterAll(() => {
    for (const f of [bundle, `${bundle}.map`, `${bundle}.inputs.json`, ...codeCaches().map((c) => path.join(path.dirname(bundle), c))])
      fs.rmSync(f, { force: true });
  });

  it("runs a TypeScript entry point", () => {
    const r = runTs(entry);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("1\n");
  });

  it("reuses the bundle while no input changed", () => {
    const before = fs.statSync(bundle).mtimeMs;
    expect(runTs(entry).stdout).toBe("1\n");
    expect(fs.statSync(bundle).mtimeMs).toBe(before);
  });

  it("keeps one V8 code cache, made for the current bundle", () => {
    const s = fs.statSync(bundle);
    expect(codeCaches()).toEqual([`${path.basename(bundle)}.${Math.trunc(s.mtimeMs)}-${s.size}.v8cache`]);
  });

  it("runs with the cache it finds, and replaces one V8 refuses", () => {
    const cache = path.join(path.dirname(bundle), codeCaches()[0]);
    const accepted = fs.readFileSync(cache);
    // Accepted: left as it is.
    expect(runTs(entry).stdout).toBe("1\n");
    expect(fs.readFileSync(cache).equals(accepted)).toBe(true);
    // Corrupted (V8 checks a checksum): still runs, and the cache is written anew.
    const corrupted = Buffer.alloc(accepted.length, 7);
    fs.writeFileSync(cache, corrupted);
    expect(runTs(entry).stdout).toBe("1\n");
    const rewritten = fs.readFileSync(cache);
    expect(rewritten.equals(corrupted)).toBe(false);
    // ... and the new one is accepted in turn.
    expect(runTs(entry).stdout).toBe("1\n");
    expect(fs.readFileSync(cache).equals(rewritten)).toBe(true);
  });

  it("rebuilds when an imported file changed", () => {
    fs.writeFileSync(dep, "export const value: number = 42;\n");
    expect(runTs(entry).stdout).toBe("42\n");
  });

  it("never runs a rebuilt bundle with the old bundle's code cache, even at the same length", () => {
    expect(runTs(entry).stdout).toBe("42\n");
    const before = fs.statSync(bundle).size;
    // V8 accepts a code cache for any source of the same length.
    fs.writeFileSync(dep, "export const value: number = 43;\n");
    expect(runTs(entry).stdout).toBe("43\n");
    expect(fs.statSync(bundle).size).toBe(before);
    expect(codeCaches()).toHaveLength(1);
  });

  it("gives the entry its own arguments, as if node ran it", () => {
    const entry = path.join(dir, "args.ts");
    fs.writeFileSync(entry, "process.stdout.write(JSON.stringify(process.argv.slice(2)));\n");
    const r = spawnSync(process.execPath, [path.join(root, "scripts", "run-ts.js"), entry, "diff", "--parallel", "3"], { cwd: root, encoding: "utf8" });
    expect(r.stdout).toBe('["diff","--parallel","3"]');
  });

  it("refuses an entry that is neither TypeScript nor JavaScript", () => {
    const r = runTs(path.join(dir, "entry.json"));
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("usage: node scripts/run-ts.js ENTRY.ts|ENTRY.js [ARGS...]\n");
  });
});

// cdktf formats a stack trace for every token; run-ts captures them only on request.
describe("token creation stacks in a run-ts bundle", () => {
  const app = path.join("integration", "token-error-app.ts");
  const { AGGRIK8S_TOKEN_STACKS: _, ...inherited } = process.env;
  const env = { ...inherited, CDKTF_OUTDIR: scratchDir() };

  it("are not captured by default, and the error says how to get them", () => {
    const r = runTs(app, env);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("Resolution error: this token cannot resolve.");
    expect(r.stderr).toContain("Object creation stack:\n  at (token creation stack not captured; run with AGGRIK8S_TOKEN_STACKS=1 to see it)");
  });

  it("are captured with AGGRIK8S_TOKEN_STACKS=1, down to the line that made the token", () => {
    // Source maps on, as the README says to debug: frames name .ts lines, not bundle offsets.
    const r = runTs(app, { ...env, AGGRIK8S_TOKEN_STACKS: "1", NODE_OPTIONS: "--enable-source-maps" });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("Resolution error: this token cannot resolve.");
    const creation = r.stderr.slice(r.stderr.indexOf("Object creation stack:"));
    // Line 8 of the fixture calls Lazy.stringValue.
    expect(creation).toMatch(/\n {2}at Function\.stringValue \(.*lazy\.ts:\d+:\d+\)\n {2}at .*token-error-app\.ts:8:\d+\)/);
  });
});
