#!/usr/bin/env node
// Stale pointers: every repository path that the docs (*.md) or a code
// comment names (lib/..., __tests__/..., docs/..., scripts/..., ...) must
// exist, every "README: <Section>" must name a section of the README, and
// every "docs/<file>.md, *<Section>*" a section of that file.
// CHANGELOG.md is history and may name what has gone. Paths git ignores
// (bench/results/, cdktf.out/, state/) are outputs, not pointers. Run by
// `npm run lint`; `node scripts/check-references.js` alone prints the same.
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const TOP = ["lib", "stacks", "tools", "scripts", "proofs", "bench", "docs", "examples", "__tests__", "integration", "schemas", "charts", ".ci", ".github"];
const PATH = new RegExp(`(?<![\\w./@:$<{~-])((?:${TOP.map((t) => t.replace(".", "\\.")).join("|")})/(?:[\\w.-]+/)*[\\w.-]*)`, "g");
const README_SECTION = /README: ([A-Za-z][\w -]*[\w])/g;
const DOC_SECTION = /((?:docs\/[\w-]+|README)\.md),? \*([^*]+)\*/g;
const SCANNED = /\.(md|ts|js|mjs|sh|ya?ml)$/;
const SKIPPED = /^(CHANGELOG\.md$|\.gen\/|schemas\/|charts\/|node_modules\/)/;

function git(root, args, input) {
  const r = spawnSync("git", args, { cwd: root, encoding: "utf8", input });
  return r.stdout.split("\n").filter(Boolean);
}

/** The parts of `text` that are prose: all of a Markdown file, the comments of code. */
function prose(file, text) {
  if (file.endsWith(".md")) return text.split("\n");
  const hash = /\.(sh|ya?ml)$/.test(file);
  return text.split("\n").map((line) => {
    const t = line.trim();
    if (t.startsWith("//") || t.startsWith("/*") || t.startsWith("*") || (hash && t.startsWith("#"))) return line;
    const trailing = hash ? /(^|\s)#\s/.exec(line) : /(^|\s)\/\/\s/.exec(line);
    return trailing ? line.slice(trailing.index) : "";
  });
}

/**
 * Every stale pointer under `root`, as `file:line: what` strings.
 * @param {string} root the repository's work tree
 * @param {string[]} [only] files to scan (repository-relative); default every tracked or new file
 */
function staleReferences(root, only) {
  const files = git(root, ["ls-files", "--cached", "--others", "--exclude-standard"]).filter((f) => fs.existsSync(path.join(root, f)));
  const present = new Set(files);
  for (const f of files) {
    const parts = f.split("/");
    for (let i = 1; i < parts.length; i++) present.add(parts.slice(0, i).join("/"));
  }
  const headings = (file) => {
    const full = path.join(root, file);
    return fs.existsSync(full) ? [...fs.readFileSync(full, "utf8").matchAll(/^#+ (.+)$/gm)].map((m) => m[1].trim().toLowerCase()) : [];
  };
  const has = (file, section) => headings(file).some((h) => h.startsWith(section.toLowerCase()));
  const found = [];
  for (const file of (only ?? files).filter((f) => SCANNED.test(f) && !SKIPPED.test(f))) {
    prose(file, fs.readFileSync(path.join(root, file), "utf8")).forEach((line, i) => {
      for (const m of line.matchAll(PATH)) {
        const ref = m[1].replace(/[.]+$/, "").replace(/\/$/, "");
        if (!present.has(ref)) found.push({ file, line: i + 1, ref, what: `${ref} does not exist` });
      }
      for (const m of line.matchAll(README_SECTION)) {
        if (!has("README.md", m[1])) found.push({ file, line: i + 1, what: `the README has no section "${m[1]}"` });
      }
      for (const m of line.matchAll(DOC_SECTION)) {
        if (present.has(m[1]) && !has(m[1], m[2])) found.push({ file, line: i + 1, what: `${m[1]} has no section "${m[2]}"` });
      }
    });
  }
  // What git ignores is output (bench/results/latest.json), not a pointer.
  const missing = found.filter((f) => f.ref).flatMap((f) => [f.ref, `${f.ref}/`]);
  const ignored = new Set(missing.length ? git(root, ["check-ignore", "--stdin"], missing.join("\n")) : []);
  return found.filter((f) => !f.ref || !(ignored.has(f.ref) || ignored.has(`${f.ref}/`))).map((f) => `${f.file}:${f.line}: ${f.what}`);
}

module.exports = { staleReferences };

if (require.main === module) {
  const stale = staleReferences(path.resolve(__dirname, ".."));
  for (const s of stale) console.error(s);
  if (stale.length) console.error(`check-references: ${stale.length} stale pointer${stale.length === 1 ? "" : "s"} (fix the path, or the text)`);
  process.exit(stale.length ? 1 : 0);
}
