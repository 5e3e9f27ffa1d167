#!/usr/bin/env node
// The project's one TypeScript runner: runs an entry point (main.ts, for `npm
// run synth` and as the cdktf CLI's app command; the npm scripts; a JS proof
// script that requires TypeScript modules) the fastest way measured here
// (docs/benchmark.md):
// - esbuild bundles the entry with everything it imports, packages included,
//   into one CommonJS file, so node resolves and reads no module files;
// - the bundle is rebuilt only when one of the files it was built from changed;
// - V8's code cache for the bundle is kept next to it, so later runs skip
//   compiling the functions the previous run compiled.
// - cdktf's token creation stacks are captured only on request (below).
// Transpile-only: `npm test` type-checks with `tsc --noEmit`.
//
//   node scripts/run-ts.js ENTRY.ts [ARGS...]
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");
const Module = require("module");

const entry = process.argv[2];
if (!entry || !/\.(ts|js)$/.test(entry)) {
  console.error("usage: node scripts/run-ts.js ENTRY.ts|ENTRY.js [ARGS...]");
  process.exit(2);
}
// The entry sees its own arguments at process.argv.slice(2), as if node ran it.
process.argv.splice(2, 1);
const root = path.resolve(__dirname, "..");
// Under node_modules so anything left external resolves from the project's node_modules.
const out = path.join(root, "node_modules", ".cache", "aggrik8s", `${path.relative(root, path.resolve(entry)).replace(/[\\/]/g, "__")}.js`);
const inputsFile = `${out}.inputs.json`;
// Packages that must not be bundled: esbuild ships a native binary.
const EXTERNAL = ["esbuild"];

// cdktf captures and formats a full stack trace for every token it creates
// (references, lists, lazies: thousands per mesh), whatever the App's
// stackTraces flag says; they are printed only when a token fails to resolve.
// That was 8% of the default mesh's instructions (docs/benchmark.md), so the
// bundle captures them only when TOKEN_STACKS_ENV is "1".
const TOKEN_STACKS_ENV = "AGGRIK8S_TOKEN_STACKS";
const TOKEN_STACK_MODULE = "node_modules/cdktf/lib/tokens/private/stack-trace.js";
const tokenStacksOnDemand = {
  name: "token-stacks-on-demand",
  setup(b) {
    b.onLoad({ filter: /[\\/]stack-trace\.js$/ }, (args) => {
      // Any other stack-trace.js loads as usual.
      if (path.relative(root, args.path).split(path.sep).join("/") !== TOKEN_STACK_MODULE) return undefined;
      return {
        loader: "js",
        contents: `${fs.readFileSync(args.path, "utf8")}
;{
  const capture = exports.captureStackTrace;
  if (typeof capture !== "function") throw new Error("scripts/run-ts.js: cdktf's stack-trace module no longer exports captureStackTrace; update tokenStacksOnDemand");
  const off = ["(token creation stack not captured; run with ${TOKEN_STACKS_ENV}=1 to see it)"];
  const on = process.env.${TOKEN_STACKS_ENV} === "1";
  exports.captureStackTrace = function captureStackTrace(below) {
    return on ? capture(below || captureStackTrace) : off;
  };
}
`,
      };
    });
  },
};

const stamp = (f) => {
  const s = fs.statSync(path.join(root, f));
  return `${s.mtimeMs}:${s.size}`;
};

/** The bundle is current when every file it was built from (this script included) is as it was when the build started. */
function current() {
  try {
    const inputs = JSON.parse(fs.readFileSync(inputsFile, "utf8"));
    return fs.existsSync(out) && Object.entries(inputs).every(([f, was]) => stamp(f) === was);
  } catch {
    return false;
  }
}

/** Writes under a private name and renames: a concurrent run never reads a half-written file. */
function writeAtomically(file, contents) {
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, contents);
  fs.renameSync(partial, file);
}

// Async: esbuild takes plugins only there.
async function build() {
  const esbuild = require("esbuild");
  const startedAt = Date.now();
  const result = await esbuild.build({
    entryPoints: [path.resolve(entry)],
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: EXTERNAL,
    outfile: out,
    write: false,
    metafile: true,
    // Linked, not enabled: mapping the stack traces cdktf captures (with
    // AGGRIK8S_TOKEN_STACKS=1, one per token) costs ~50 ms.
    // For a bug's stack trace in .ts lines: NODE_OPTIONS=--enable-source-maps.
    sourcemap: "linked",
    logLevel: "warning",
    plugins: [tokenStacksOnDemand],
  });
  const bundled = Object.keys(result.metafile.inputs);
  if (bundled.some((f) => f.startsWith("node_modules/cdktf/")) && !bundled.includes(TOKEN_STACK_MODULE)) {
    throw new Error(`scripts/run-ts.js: the bundle has cdktf but not ${TOKEN_STACK_MODULE}; cdktf moved it: update TOKEN_STACK_MODULE`);
  }
  const inputs = [...bundled, path.relative(root, __filename)];
  fs.mkdirSync(path.dirname(out), { recursive: true });
  for (const f of result.outputFiles) writeAtomically(f.path, f.contents);
  // Inputs list last; an input edited while esbuild ran may not be in the
  // bundle: no stamp, so the next run rebuilds.
  writeAtomically(
    inputsFile,
    JSON.stringify(Object.fromEntries(inputs.map((f) => [f, fs.statSync(path.join(root, f)).mtimeMs < startedAt ? stamp(f) : "edited during build"]))),
  );
}

/**
 * Runs the bundle as node would require it, with V8's code cache. The cache
 * file is named after the bundle's mtime and size, so a cache made for one
 * build is never offered with another (V8 checks only the source length).
 */
function runWithCodeCache() {
  // Size, mtime and text from one open file: a concurrent rebuild renames a new bundle into place.
  const fd = fs.openSync(out, "r");
  let source, s;
  try {
    s = fs.fstatSync(fd);
    source = fs.readFileSync(fd, "utf8");
  } finally {
    fs.closeSync(fd);
  }
  const cacheFile = `${out}.${Math.trunc(s.mtimeMs)}-${s.size}.v8cache`;
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // First run of this build: compile, and write the cache on exit.
  }
  // A script entry's shebang, kept by esbuild, is not JavaScript inside the module wrapper.
  const script = new vm.Script(Module.wrap(source.replace(/^#!.*/, "")), { filename: out, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    // On exit, so the cache holds the functions this run compiled lazily too.
    process.once("exit", () => {
      try {
        for (const f of fs.readdirSync(path.dirname(out))) {
          if (f.startsWith(`${path.basename(out)}.`) && f.endsWith(".v8cache")) fs.rmSync(path.join(path.dirname(out), f), { force: true });
        }
        writeAtomically(cacheFile, script.createCachedData());
      } catch {
        // A cache is an optimisation; the next run tries again.
      }
    });
  }
  const mod = new Module(out, module);
  mod.filename = out;
  mod.paths = Module._nodeModulePaths(path.dirname(out));
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(out), mod, out, path.dirname(out));
  mod.loaded = true;
}

function run() {
  // Source maps apply to files node loads itself, so with them on, plain require.
  if (process.sourceMapsEnabled) require(out);
  else runWithCodeCache();
}

// A current bundle runs synchronously, as a plain `node main.js` would.
if (current()) run();
else {
  // An error the app throws stays uncaught, as in the synchronous path.
  build().then(run, (e) => {
    // esbuild has printed its own errors (logLevel); anything else is ours.
    if (!Array.isArray(e?.errors)) console.error(e);
    process.exitCode = 1;
  });
}
