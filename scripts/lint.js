#!/usr/bin/env node
// `npm run lint`: eslint (typescript-eslint's recommended rules) and prettier's check over the project's own code,
// and that every path the docs and comments name exists (scripts/check-references.js).
"use strict";
const path = require("path");
const { spawnSync } = require("child_process");
const { cli } = require("./lib/cli");

const { values } = cli({
  name: "lint",
  summary:
    "Lints the project's code with eslint (eslint.config.mjs), checks its formatting with prettier (.prettierrc.json) and that the paths docs and comments name exist.",
  options: { fix: { type: "boolean", description: "fix what the tools can: eslint --fix, prettier --write" } },
});
const root = path.resolve(__dirname, "..");
const bin = (pkg, file) => path.join(root, "node_modules", pkg, "bin", file);
let failed = 0;
for (const [name, args] of [
  ["eslint", [bin("eslint", "eslint.js"), ".", ...(values.fix ? ["--fix"] : [])]],
  ["prettier", [bin("prettier", "prettier.cjs"), values.fix ? "--write" : "--check", "--log-level", "warn", "."]],
  // Paths the docs and comments name exist (no --fix: the text needs a person).
  ["check-references", [path.join(__dirname, "check-references.js")]],
]) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    failed++;
    console.error(`lint: ${name} found problems${values.fix ? "" : " (npm run lint -- --fix fixes what it can)"}`);
  }
}
if (!failed) console.error("lint: eslint, prettier and check-references: clean");
process.exit(failed ? 1 : 0);
