#!/usr/bin/env node
// Runs a TypeScript entry point (main.ts for `cdktf synth`) the fastest way
// measured here (README: Benchmark): esbuild bundles the project's own files
// into one CommonJS file (packages stay external, loaded from node_modules as
// usual) and plain node runs it. The bundle is rebuilt only when one of the
// files it was built from changed, which saves ~90 ms a run. Transpile-only,
// like tsx: `npm test` type-checks with `tsc --noEmit`.
//
//   node scripts/run-ts.js ENTRY.ts
"use strict";
const fs = require("fs");
const path = require("path");

const entry = process.argv[2];
if (!entry || !entry.endsWith(".ts")) {
  console.error("usage: node scripts/run-ts.js ENTRY.ts");
  process.exit(2);
}
const root = path.resolve(__dirname, "..");
// Under node_modules so the bundle resolves packages from the project's node_modules.
const out = path.join(root, "node_modules", ".cache", "aggrik8s", `${path.relative(root, path.resolve(entry)).replace(/[\\/]/g, "__")}.js`);
const inputsFile = `${out}.inputs.json`;

const stamp = (f) => {
  const s = fs.statSync(path.join(root, f));
  return `${s.mtimeMs}:${s.size}`;
};

/** The bundle is current when every file it was built from is as it was when the build started. */
function current() {
  try {
    const inputs = JSON.parse(fs.readFileSync(inputsFile, "utf8"));
    return fs.existsSync(out) && Object.entries(inputs).every(([f, was]) => stamp(f) === was);
  } catch {
    return false;
  }
}

function build() {
  const { buildSync } = require("esbuild");
  const startedAt = Date.now();
  const result = buildSync({
    entryPoints: [path.resolve(entry)],
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    packages: "external",
    outfile: out,
    write: false,
    metafile: true,
    // Linked, not enabled: mapping every stack trace cdktf captures costs ~50 ms.
    // For a bug's stack trace in .ts lines: NODE_OPTIONS=--enable-source-maps.
    sourcemap: "linked",
    logLevel: "warning",
  });
  const files = [
    ...result.outputFiles.map((f) => ({ path: f.path, contents: f.contents })),
    // An input edited while esbuild ran may not be in the bundle: no stamp, so the next run rebuilds.
    { path: inputsFile, contents: JSON.stringify(Object.fromEntries(Object.keys(result.metafile.inputs).map((f) => [f, fs.statSync(path.join(root, f)).mtimeMs < startedAt ? stamp(f) : "edited during build"]))) },
  ];
  // Written under private names and renamed, inputs list last: a concurrent
  // run never reads a half-written bundle or trusts a stale one.
  fs.mkdirSync(path.dirname(out), { recursive: true });
  for (const file of files) {
    const partial = `${file.path}.${process.pid}.partial`;
    fs.writeFileSync(partial, file.contents);
    fs.renameSync(partial, file.path);
  }
}

if (!current()) build();
require(out);
