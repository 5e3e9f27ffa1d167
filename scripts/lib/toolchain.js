// Shared by the Node scripts: where the offline toolchain lives and how to run
// the engine with it. Plain JS so the JS scripts run it before anything is
// compiled; the TypeScript ones import it (tsc copies it into dist/).
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");

/**
 * The project root. This file is <root>/scripts/lib/toolchain.js, or its copy
 * in the compiled tree <root>/dist/scripts/lib/ (tsc -b; dist/ mirrors the
 * root, with the build's own tsconfig.tsbuildinfo at its top).
 */
const up = path.resolve(__dirname, "..", "..");
const repoRoot = fs.existsSync(path.join(up, "tsconfig.tsbuildinfo")) ? path.dirname(up) : up;
const versions = require(path.join(repoRoot, "versions.json"));

function cacheDir() {
  if (process.env.AGGRIK8S_CACHE) return process.env.AGGRIK8S_CACHE;
  const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(xdg, "aggrik8s");
}

function onPath(bin) {
  if (bin.includes("/")) return fs.existsSync(bin) ? bin : undefined;
  for (const dir of (process.env.PATH || "").split(path.delimiter)) {
    const candidate = path.join(dir, bin);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The engine binary: $TERRAFORM_BINARY_NAME, terraform, tofu, or the OpenTofu toolchain.sh built. */
function engine() {
  const wanted = process.env.TERRAFORM_BINARY_NAME;
  const found = (wanted && onPath(wanted)) || onPath("terraform") || onPath("tofu") || onPath(path.join(cacheDir(), "bin", "tofu"));
  if (!found) {
    throw new Error("no Terraform engine: put terraform or tofu on PATH, or run scripts/toolchain.sh to build OpenTofu from its Go module");
  }
  return found;
}

function goArch() {
  return { x64: "amd64", arm64: "arm64" }[process.arch] || process.arch;
}

/** Path the filesystem mirror would hold the binary of provider `name` at, for `version` (default: the pin). */
function mirroredBinary(name, version = versions.providers[name].version) {
  const p = versions.providers[name];
  const [ns, type] = p.source.toLowerCase().split("/");
  return path.join(
    cacheDir(),
    "providers",
    "registry.terraform.io",
    ns,
    type,
    version,
    `${process.platform}_${goArch()}`,
    `terraform-provider-${type}_v${version}`,
  );
}

/** Provider names (keys of versions.json) whose pinned binaries are in the offline mirror. */
function mirroredProviders() {
  return Object.keys(versions.providers).filter((name) => fs.existsSync(mirroredBinary(name)));
}

/** versions.json name of a required_providers source. */
function providerName(source) {
  const wanted = canonicalSource(source).toLowerCase();
  return Object.keys(versions.providers).find((n) => versions.providers[n].source.toLowerCase() === wanted);
}

/**
 * Environment for running the engine: toolchain.sh's CLI config when it exists
 * (built providers from the mirror, the rest from the registry). `offline` says
 * whether every wanted provider is in the mirror.
 */
function engineEnv(wanted) {
  const rc = path.join(cacheDir(), "terraform.rc");
  const mirrored = new Set(mirroredProviders());
  const env = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
  if (fs.existsSync(rc)) env.TF_CLI_CONFIG_FILE = rc;
  return { env, offline: fs.existsSync(rc) && wanted.every((n) => mirrored.has(n)) };
}

/**
 * A required_providers source as `namespace/type`: prebuilt bindings write
 * "helm", generated ones "registry.terraform.io/bpg/proxmox".
 */
function canonicalSource(source) {
  return (source.includes("/") ? source : `hashicorp/${source}`).replace(/^registry\.terraform\.io\//, "");
}

/** The compiled JavaScript of a TypeScript file of the project (`main.ts` -> `<root>/dist/main.js`): what `npm run build` writes and plain node runs. */
function compiled(file) {
  const rel = path.relative(repoRoot, path.resolve(repoRoot, file));
  return path.join(repoRoot, "dist", rel.replace(/\.ts$/, ".js"));
}

/**
 * Synthesizes a TypeScript app (main.ts or a fixture) the way cdktf does
 * (its compiled JavaScript under plain node, as cdktf.json's app), into
 * `outdir`; returns its stacks with their directories, or throws with the
 * app's output when synth fails.
 */
function synthesize(entry, outdir, env = {}) {
  const r = run(process.execPath, [compiled(entry)], { cwd: repoRoot, env: { ...process.env, ...env, CDKTF_OUTDIR: outdir } });
  if (r.status !== 0) throw new Error(`synth of ${entry} failed:\n${r.stderr}${r.stdout}`);
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  return Object.values(manifest.stacks).map((s) => ({ name: s.name, dir: path.join(outdir, s.workingDirectory) }));
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, ...opts });
  if (r.error) throw r.error;
  return r;
}

module.exports = {
  repoRoot,
  versions,
  cacheDir,
  engine,
  engineEnv,
  mirroredProviders,
  mirroredBinary,
  canonicalSource,
  providerName,
  compiled,
  synthesize,
  run,
};
