#!/usr/bin/env node
// Lets `npm test` run on a fresh clone: installs the locked dependencies when
// node_modules is missing or older than package-lock.json. Only Node built-ins here.
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const root = path.resolve(__dirname, "..");
const lock = path.join(root, "package-lock.json");
const installed = path.join(root, "node_modules", ".package-lock.json");
const stale = !fs.existsSync(installed) || fs.statSync(installed).mtimeMs < fs.statSync(lock).mtimeMs;
if (stale) {
  console.error("ensure-deps: node_modules missing or older than package-lock.json: running npm ci");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(npm, ["ci", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
  process.exit(r.status ?? 1);
}
