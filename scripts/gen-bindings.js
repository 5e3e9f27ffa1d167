#!/usr/bin/env node
// Regenerates .gen/ offline from the committed real provider schemas
// (schemas/<name>.json, written by scripts/schemas.js), keeping only the
// resources and data sources versions.json lists: the full bpg/proxmox
// bindings are ~200 classes that the stacks never use and every synth and
// type-check would pay for.
//
//   node scripts/gen-bindings.js [--out DIR]
"use strict";
const fs = require("fs");
const path = require("path");
const { generateProviderBindingsFromSchema } = require("@cdktf/provider-generator");
const { repoRoot, versions } = require("./lib/toolchain");

const outArg = process.argv.indexOf("--out");
const out = outArg > 0 ? path.resolve(process.argv[outArg + 1]) : path.join(repoRoot, ".gen");

/** Keeps the listed resources and data sources; names a listed one the schema lacks. */
function filterSchema(name, schema, wanted) {
  const [fqn] = Object.keys(schema.provider_schemas);
  const provider = schema.provider_schemas[fqn];
  const pick = (all, names, kind) =>
    Object.fromEntries(
      names.map((n) => {
        if (!all || !all[n]) {
          throw new Error(`gen: versions.json providers.${name}.bindings.${kind} lists "${n}", which schemas/${name}.json does not have; fix the name or run scripts/schemas.js ${name}`);
        }
        return [n, all[n]];
      }),
    );
  return {
    ...schema,
    provider_schemas: {
      [fqn]: {
        provider: provider.provider,
        resource_schemas: pick(provider.resource_schemas, wanted.resources, "resources"),
        data_source_schemas: pick(provider.data_source_schemas, wanted.dataSources, "dataSources"),
      },
    },
  };
}

async function main() {
  const tmp = `${out}.partial`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const missing = [];
  for (const [name, p] of Object.entries(versions.providers)) {
    if (typeof p.bindings !== "object") continue;
    const file = path.join(repoRoot, "schemas", `${name}.json`);
    if (!fs.existsSync(file)) {
      missing.push(`${p.source} ${p.version} (schemas/${name}.json)`);
      continue;
    }
    const schema = filterSchema(name, JSON.parse(fs.readFileSync(file, "utf8")), p.bindings);
    const pinned = Object.values(schema.provider_versions || {})[0];
    if (pinned !== p.version) {
      throw new Error(`gen: schemas/${name}.json is for version ${pinned}, versions.json pins ${p.version}; run scripts/schemas.js ${name}`);
    }
    await generateProviderBindingsFromSchema(tmp, schema);
    console.log(`gen: ${p.source} ${p.version}: ${p.bindings.resources.length} resources, ${p.bindings.dataSources.length} data sources`);
  }
  // Swap in whole so a failed run never leaves half a .gen/.
  fs.rmSync(out, { recursive: true, force: true });
  fs.renameSync(tmp, out);
  if (missing.length) {
    console.error(`gen: no committed schema, so no bindings, for: ${missing.join("; ")}. Run scripts/schemas.js where the provider binary can be had.`);
  }
}

main().catch((err) => {
  console.error(err.message || err);
  fs.rmSync(`${out}.partial`, { recursive: true, force: true });
  process.exit(1);
});
