/**
 * Docs generated from code, so they cannot drift: the config JSON Schema, the
 * config reference and compatibility table in the README (and, with the
 * stacks, the stack graph). `npm run docs` writes them; a test fails when the
 * committed copies are stale.
 */
import { compatibilityMarkdown } from "./config/compat";
import { configJsonSchema, configReferenceMarkdown } from "./config/reference";
import { capacityMarkdown } from "./platform/capacity";

export interface GeneratedDocs {
  readonly jsonSchema: string;
  /** README sections by marker name. */
  readonly readmeSections: Readonly<Record<string, string>>;
}

export function generatedDocs(extraSections: Record<string, string> = {}): GeneratedDocs {
  return {
    jsonSchema: `${JSON.stringify(configJsonSchema(), null, 2)}\n`,
    readmeSections: {
      "config-reference": configReferenceMarkdown(),
      compatibility: compatibilityMarkdown(),
      capacity: capacityMarkdown(),
      ...extraSections,
    },
  };
}

/** Replaces the body between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->` for each section. */
export function replaceSections(text: string, sections: Readonly<Record<string, string>>): string {
  let out = text;
  for (const [name, body] of Object.entries(sections)) {
    const re = new RegExp(`(<!-- generated:${name} -->\\n)[\\s\\S]*?(<!-- /generated:${name} -->)`);
    if (!re.test(out)) throw new Error(`README.md has no <!-- generated:${name} --> ... <!-- /generated:${name} --> markers`);
    out = out.replace(re, `$1${body}\n$2`);
  }
  return out;
}
