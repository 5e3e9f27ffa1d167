/**
 * Docs generated from code, so they cannot drift: the config JSON Schema, the
 * config reference and compatibility table in the README, the policy rule
 * table (and, with the stacks, the stack graph). `npm run docs` writes them; a test fails when the
 * committed copies are stale.
 */
import { policyRulesMarkdown } from "../lib/aspects";
import { compatibilityMarkdown } from "../lib/config/compat";
import { configJsonSchema, configReferenceMarkdown } from "../lib/config/reference";
import { capacityMarkdown } from "../lib/platform/capacity";

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
      "policy-rules": policyRulesMarkdown(),
      ...extraSections,
    },
  };
}

/** The files that hold generated sections: the README and docs/. */
export const DOC_FILES = [
  "README.md",
  "docs/config.md",
  "docs/architecture.md",
  "docs/operations.md",
  "docs/validation.md",
  "docs/benchmark.md",
  "docs/troubleshooting.md",
];

/**
 * Each file's text with the generated sections it holds replaced; every
 * section must stand in exactly one of them.
 */
export function replaceSectionsIn(files: Readonly<Record<string, string>>, sections: Readonly<Record<string, string>>): Record<string, string> {
  const holder = (name: string) => Object.keys(files).filter((f) => files[f].includes(`<!-- generated:${name} -->`));
  const out: Record<string, string> = { ...files };
  for (const [name, body] of Object.entries(sections)) {
    const where = holder(name);
    if (where.length !== 1)
      throw new Error(
        `generated section ${name} must stand in exactly one of ${Object.keys(files).join(", ")}; it stands in ${where.length ? where.join(", ") : "none"}`,
      );
    out[where[0]] = replaceSections(out[where[0]], { [name]: body });
  }
  return out;
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
