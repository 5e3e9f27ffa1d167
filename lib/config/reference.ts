/**
 * Everything derived from the config schema for people and editors: the
 * JSON Schema file (`config.schema.json`) and the README's field reference.
 * Tests fail when the committed copies drift from the schema.
 */
import { z } from "zod";
import { MeshConfigSchema } from "./schema";

interface Node {
  const?: unknown;
  type?: string | string[];
  description?: string;
  default?: unknown;
  properties?: Record<string, Node>;
  required?: string[];
  items?: Node;
  anyOf?: Node[];
  enum?: unknown[];
  format?: string;
  additionalProperties?: Node | boolean;
}

/** JSON Schema (draft 2020-12) of the config as written (defaults optional). */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(MeshConfigSchema, { io: "input", unrepresentable: "any" }),
    $id: "https://github.com/aggrik8s/aggrik8s/config.schema.json",
    title: "aggrik8s mesh config",
  };
}

/** The `backend`-style discriminator of a union of objects, if it has one. */
function discriminator(n: Node): string | undefined {
  const first = n.anyOf?.[0]?.properties ?? {};
  return Object.keys(first).find((k) => n.anyOf!.every((v) => v.properties?.[k]?.const !== undefined));
}

function typeOf(n: Node): string {
  const d = discriminator(n);
  if (d) return `object, by \`${d}\`: ${n.anyOf!.map((v) => `\`${String(v.properties![d].const)}\``).join(" \\| ")}`;
  if (n.anyOf) return n.anyOf.every((a) => a.type === "object") ? "secret ref" : n.anyOf.map(typeOf).join(" \\| ");
  if (n.enum) return n.enum.map((e) => `\`${String(e)}\``).join(" \\| ");
  if (n.type === "array") return `list of ${n.items ? typeOf(n.items) : "any"}`;
  if (n.type === "object" && n.additionalProperties && typeof n.additionalProperties === "object") return "map";
  return [n.type ?? "any", n.format].filter(Boolean).join(" ");
}

function rows(n: Node, path: string, required: boolean, out: string[]): void {
  if (path) {
    const def = n.default === undefined ? (required ? "**required**" : "") : `\`${JSON.stringify(n.default)}\``;
    out.push(`| \`${path}\` | ${typeOf(n)} | ${def} | ${(n.description ?? "").replace(/\|/g, "\\|")} |`);
  }
  const d = discriminator(n);
  if (d) {
    for (const variant of n.anyOf!) {
      const tag = String(variant.properties![d].const);
      for (const [key, child] of Object.entries(variant.properties!)) {
        if (key !== d) rows(child, `${path}.${key} (${d}: ${tag})`, (variant.required ?? []).includes(key), out);
      }
    }
    return;
  }
  const target = n.type === "array" && n.items?.properties ? n.items : n;
  const prefix = n.type === "array" ? `${path}[]` : path;
  if (!target.properties || n.anyOf) return;
  for (const [key, child] of Object.entries(target.properties)) {
    rows(child, prefix ? `${prefix}.${key}` : key, (target.required ?? []).includes(key), out);
  }
}

/** Markdown table of every config field: path, type, default, description. */
export function configReferenceMarkdown(): string {
  const out = ["| field | type | default | description |", "| --- | --- | --- | --- |"];
  rows(configJsonSchema() as Node, "", true, out);
  return out.join("\n");
}
