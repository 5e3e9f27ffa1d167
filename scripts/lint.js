#!/usr/bin/env node
// `npm run lint`: eslint (typescript-eslint's recommended rules) and prettier's check over the project's own code,
// then the checks of text and files, which check no behaviour and so are not part of `npm test`: every path the docs
// and comments name exists (scripts/check-references.js), and the repository checks in checks/ (docs current and
// right, README shape, import layout, Renovate).
"use strict";
const path = require("path");
const { spawnSync } = require("child_process");
const { cli } = require("./lib/cli");

const { values } = cli({
  name: "lint",
  summary:
    "Lints the project's code with eslint (eslint.config.mjs), checks its formatting with prettier (.prettierrc.json), that the paths docs and comments name exist, then runs the repository checks (checks/: docs, layout, Renovate).",
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
  ["checks", [bin("jest", "jest.js"), "--config", path.join("checks", "jest.config.js")]],
]) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    failed++;
    console.error(`lint: ${name} found problems${values.fix || !["eslint", "prettier"].includes(name) ? "" : " (npm run lint -- --fix fixes what it can)"}`);
  }
}
if (!failed) console.error("lint: eslint, prettier, check-references and the repository checks: clean");
process.exit(failed ? 1 : 0);
