// Which attributes of which resources are sensitive and which are
// write-only, from a provider's real `providers schema -json`: what the
// write-only test (__tests__/stacks/write-only.test.ts) reads, and what
// `npm run schemas -- --prebuilt` commits for the prebuilt-binding providers
// (schemas/prebuilt-sensitive.json). Plain JS: the script and jest share it.
"use strict";

const KINDS = { resource_schemas: "resource", data_source_schemas: "data", ephemeral_resource_schemas: "ephemeral" };

/** Attribute paths (`block.attr`, nested blocks and nested attributes dotted) that are sensitive, those that are write-only, and the sensitive ones only the provider sets. */
function blockIndex(block, prefix = "", out = { sensitive: [], writeOnly: [], computedOnly: [] }) {
  for (const [name, a] of Object.entries(block.attributes ?? {})) {
    const p = `${prefix}${name}`;
    if (a.sensitive) out.sensitive.push(p);
    // Filled in by the provider whatever the config says: in state even when not set.
    if (a.sensitive && a.computed && !a.optional) out.computedOnly.push(p);
    if (a.write_only) out.writeOnly.push(p);
    if (a.nested_type) blockIndex(a.nested_type, `${p}.`, out);
  }
  for (const [name, b] of Object.entries(block.block_types ?? {})) blockIndex(b.block, `${prefix}${name}.`, out);
  return out;
}

/**
 * `{ "<kind> <type>": { sensitive, writeOnly } }` for every resource, data
 * source and ephemeral resource of every provider in `schema`, keeping only
 * types with either.
 */
function sensitiveIndex(schema) {
  const index = {};
  for (const provider of Object.values(schema.provider_schemas ?? {})) {
    for (const [kindKey, kind] of Object.entries(KINDS)) {
      for (const [type, s] of Object.entries(provider[kindKey] ?? {})) {
        const i = blockIndex(s.block);
        if (i.sensitive.length || i.writeOnly.length)
          index[`${kind} ${type}`] = { sensitive: i.sensitive.sort(), writeOnly: i.writeOnly.sort(), computedOnly: i.computedOnly.sort() };
      }
    }
  }
  return index;
}

/** Every type a schema declares (`<kind> <type>`), sensitive or not. */
function declaredTypes(schema) {
  return Object.values(schema.provider_schemas ?? {}).flatMap((p) =>
    Object.entries(KINDS).flatMap(([k, kind]) => Object.keys(p[k] ?? {}).map((t) => `${kind} ${t}`)),
  );
}

module.exports = { sensitiveIndex, declaredTypes };
