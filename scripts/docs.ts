// `npm run docs`: regenerates what is derived from code: config.schema.json
// and the README sections between `<!-- generated:NAME -->` markers. With
// --check it changes nothing and exits 1 when a copy is stale (the tests do the same).
import * as fs from "fs";
import * as path from "path";
import { DOC_FILES, replaceSectionsIn } from "../tools/docs";
import { projectDocs } from "../tools/mesh-docs";
import { cli } from "./lib/cli";

import { repoRoot as root } from "./lib/toolchain";
const check = Boolean(
  cli({
    name: "docs",
    summary: "Regenerates config.schema.json and the README's generated sections from the code.",
    options: { check: { type: "boolean", description: "change nothing; exit 1 when a copy is stale" } },
  }).values.check,
);
const docs = projectDocs();
const current = Object.fromEntries(DOC_FILES.map((f) => [f, fs.readFileSync(path.join(root, f), "utf8")]));
const targets: [string, string][] = [["config.schema.json", docs.jsonSchema], ...Object.entries(replaceSectionsIn(current, docs.readmeSections))];
let stale = 0;
for (const [file, text] of targets) {
  const full = path.join(root, file);
  const current = fs.existsSync(full) ? fs.readFileSync(full, "utf8") : "";
  if (current === text) continue;
  stale++;
  if (check) console.error(`docs: ${file} is stale: run npm run docs`);
  else fs.writeFileSync(full, text);
}
if (check && stale) process.exitCode = 1;
