#!/usr/bin/env node
// `npm run build`: type-checks the project and compiles it into dist/ with
// tsc -b (incremental: nothing is rewritten when nothing changed). Every npm
// script that runs TypeScript starts with the same `tsc -b`, then runs the
// compiled JavaScript with plain node; cdktf.json's app does the same.
"use strict";
const path = require("path");
const { spawnSync } = require("child_process");
const { cli } = require("./lib/cli");

cli({ name: "build", summary: "Type-checks the project and compiles it into dist/ (tsc -b, incremental), as every TypeScript npm script does first." });
const root = path.resolve(__dirname, "..");
const r = spawnSync(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-b"], { cwd: root, stdio: "inherit" });
process.exit(r.status ?? 1);
