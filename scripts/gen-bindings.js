#!/usr/bin/env node
// Regenerates .gen/ offline from the committed real provider schemas
// (schemas/<name>.json, written by scripts/schemas.js), keeping only the
// resources and data sources versions.json lists: the full bpg/proxmox
// bindings are ~200 classes that the stacks never use and every synth and
// type-check would pay for. `bindings.blocks` goes one level further: for a
// resource it names, only those nested blocks get classes. A generated
// resource builds an object per nested block when constructed, used or not;
// for proxmox_virtual_environment_vm that was 22 per VM, and keeping the 8
// aggrik8s sets cut the default mesh's synth by 9% of its instructions
// (docs/benchmark.md).
// To set a block that is not listed, add it and run `npm run gen`.
//
//   node scripts/gen-bindings.js [--out DIR]
"use strict";
const fs = require("fs");
const path = require("path");
const { generateProviderBindingsFromSchema } = require("@cdktf/provider-generator");
const { repoRoot, versions } = require("./lib/toolchain");

const { cli } = require("./lib/cli");
const { values } =
  require.main === module
    ? cli({
        name: "gen",
        summary: "Regenerates .gen/ offline from the committed provider schemas (schemas/<name>.json).",
        options: { out: { type: "string", description: "write the bindings here instead of .gen/" } },
      })
    : { values: {} };
const out = values.out ? path.resolve(String(values.out)) : path.join(repoRoot, ".gen");

/** Keeps the listed resources and data sources; names a listed one the schema lacks. */
function filterSchema(name, schema, wanted) {
  const [fqn] = Object.keys(schema.provider_schemas);
  const provider = schema.provider_schemas[fqn];
  const pick = (all, names, kind) =>
    Object.fromEntries(
      names.map((n) => {
        if (!all || !all[n]) {
          throw new Error(
            `gen: versions.json providers.${name}.bindings.${kind} lists "${n}", which schemas/${name}.json does not have; fix the name or run scripts/schemas.js ${name}`,
          );
        }
        return [n, all[n]];
      }),
    );
  const resources = pick(provider.resource_schemas, wanted.resources, "resources");
  for (const [resource, blocks] of Object.entries(wanted.blocks ?? {})) {
    const kept = resources[resource];
    if (!kept) {
      throw new Error(
        `gen: versions.json providers.${name}.bindings.blocks names "${resource}", which is not in its resources list; add it there or remove it here`,
      );
    }
    const all = kept.block.block_types ?? {};
    for (const b of blocks) {
      if (!all[b]) {
        throw new Error(
          `gen: versions.json providers.${name}.bindings.blocks.${resource} lists "${b}", which is not a nested block of ${resource} in schemas/${name}.json (blocks: ${Object.keys(all).join(", ")})`,
        );
      }
    }
    resources[resource] = { ...kept, block: { ...kept.block, block_types: Object.fromEntries(blocks.map((b) => [b, all[b]])) } };
  }
  return {
    ...schema,
    provider_schemas: {
      [fqn]: {
        provider: provider.provider,
        resource_schemas: resources,
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

if (require.main === module) {
  main().catch((err) => {
    console.error(err.message || err);
    fs.rmSync(`${out}.partial`, { recursive: true, force: true });
    process.exit(1);
  });
}

module.exports = { filterSchema };
