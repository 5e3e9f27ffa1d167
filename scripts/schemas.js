#!/usr/bin/env node
// Dumps the real `providers schema -json` of every provider whose bindings are
// generated (versions.json `bindings` is an object) into schemas/<name>.json.
// Uses the offline mirror (scripts/toolchain.sh) when it holds the provider,
// else the engine downloads it from the registry as on any user's machine.
//
//   node scripts/schemas.js [--out DIR] [name ...]   (DIR: default schemas/)
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { repoRoot, versions, engine, engineEnv, run } = require("./lib/toolchain");

const generated = Object.entries(versions.providers)
  .filter(([, p]) => typeof p.bindings === "object")
  .map(([name]) => name);
const { cli } = require("./lib/cli");
const { values, positionals: names } = cli({
  name: "schemas",
  summary: "Dumps the real `providers schema -json` of the generated-binding providers into schemas/ (from the offline mirror, else the registry).",
  positionals: "[provider ...]",
  options: { out: { type: "string", description: "write the schemas here instead of schemas/" } },
});
const outDir = values.out ? path.resolve(String(values.out)) : path.join(repoRoot, "schemas");
const wanted = names.length ? names : generated;
const unknown = wanted.filter((n) => !generated.includes(n));
if (unknown.length) {
  console.error(`schemas: ${unknown.join(", ")} not a generated provider in versions.json; choose from ${generated.join(", ")}`);
  process.exit(2);
}

const bin = engine();
let failed = 0;
for (const name of wanted) {
  const p = versions.providers[name];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `aggrik8s-schema-${name}-`));
  fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify({ terraform: { required_providers: { [name]: { source: p.source, version: p.version } } } }));
  const { env, offline } = engineEnv([name]);
  const init = run(bin, ["init", "-backend=false", "-input=false", "-no-color"], { cwd: dir, env });
  if (init.status !== 0) {
    console.error(`schemas: ${p.source} ${p.version}: init failed (${offline ? "offline mirror" : "registry"}):\n${init.stderr || init.stdout}`);
    failed++;
    continue;
  }
  const out = run(bin, ["providers", "schema", "-json"], { cwd: dir, env });
  if (out.status !== 0) {
    console.error(`schemas: ${p.source}: providers schema failed:\n${out.stderr}`);
    failed++;
    continue;
  }
  const schema = JSON.parse(out.stdout);
  const fqn = Object.keys(schema.provider_schemas)[0];
  // cdktf's generator reads the version from here to pin required_providers.
  schema.provider_versions = { [fqn]: p.version };
  const file = path.join(outDir, `${name}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(schema, null, 1) + "\n");
  console.log(`schemas: ${p.source} ${p.version} -> ${path.relative(process.cwd(), file)} (${offline ? "offline mirror" : "registry"})`);
  fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
