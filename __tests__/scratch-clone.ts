// A copy of this checkout in a scratch directory, to run the real npm scripts
// as a user would in a fresh clone, with nothing of the user's own (no
// ./aggrik8s.yaml, no cdktf.out/, no state) and nothing written back here.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { scratchDir } from "./helpers";

const root = path.join(__dirname, "..");

/** The config files a checkout's root may hold (lib/config/load.ts): never copied. */
const USER_CONFIG = /^aggrik8s\.(yaml|yml|json)$/;

/**
 * Copies the files git would commit (tracked, and untracked but not ignored:
 * the work in progress is what is tested) and the compiled tree dist/ (npm
 * test has just built it), with their times, so the copy's `tsc -b` finds it
 * current; links node_modules entry by entry. Returns the copy's root.
 */
export function scratchClone(): string {
  const dir = scratchDir("aggrik8s-clone-");
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" })
    .split("\0")
    .filter((f) => f && !USER_CONFIG.test(f));
  const compiled = fs.readdirSync(path.join(root, "dist"), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  for (const f of [...files, ...compiled.map((e) => path.relative(root, path.join(e.parentPath, e.name)))]) {
    const from = path.join(root, f);
    if (!fs.existsSync(from)) continue; // deleted, not yet committed
    const to = path.join(dir, f);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(from, to);
    const { atime, mtime, mode } = fs.statSync(from);
    fs.chmodSync(to, mode);
    // ensure-deps.js compares node_modules with package-lock.json by time.
    fs.utimesSync(to, atime, mtime);
  }
  fs.mkdirSync(path.join(dir, "node_modules"));
  for (const entry of fs.readdirSync(path.join(root, "node_modules"))) {
    fs.symlinkSync(path.join(root, "node_modules", entry), path.join(dir, "node_modules", entry));
  }
  return dir;
}

export interface NpmResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `npm run <script> -- <args>` in `dir`, with the test's environment less
 * AGGRIK8S_CONFIG (so the copy's own ./aggrik8s.* files decide) plus `env`.
 */
export function npmRun(dir: string, script: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): NpmResult {
  const base: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1" };
  delete base.AGGRIK8S_CONFIG;
  const r = spawnSync("npm", ["run", "--silent", script, ...(args.length ? ["--", ...args] : [])], {
    cwd: dir,
    encoding: "utf8",
    env: { ...base, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
