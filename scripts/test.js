#!/usr/bin/env node
// `npm test`: installs the locked dependencies if needed (fresh clone), type-checks and compiles (tsc -b into dist/), runs jest.
"use strict";
const path = require("path");
const { spawnSync } = require("child_process");
const { cli } = require("./lib/cli");

const { values, positionals } = cli({
  name: "test",
  summary: "Installs dependencies when node_modules is missing or stale, type-checks and compiles into dist/ (tsc -b), then runs jest.",
  positionals: "[test path pattern ...]",
  options: {
    testNamePattern: { type: "string", short: "t", description: "run only tests whose name matches" },
    updateSnapshot: { type: "boolean", short: "u", description: "rewrite the snapshots that changed" },
  },
});
const root = path.resolve(__dirname, "..");
const step = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
step(process.execPath, [path.join(__dirname, "ensure-deps.js")]);
step(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-b"]);
step(process.execPath, [
  path.join(root, "node_modules", "jest", "bin", "jest.js"),
  ...(values.testNamePattern ? ["-t", String(values.testNamePattern)] : []),
  ...(values.updateSnapshot ? ["-u"] : []),
  ...positionals,
]);
