/**
 * Reads a mesh config file (YAML or JSON) and keeps where each value stands
 * in it, so every problem can name `file:line:column`. JSON is read by the
 * YAML parser too (JSON is YAML), for the positions; JSON.parse still decides
 * what is valid JSON.
 */
import YAML from "yaml";
import { Problem } from "../errors";

/** A place in the config file. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export interface ConfigSource {
  /** The parsed value (YAML merge keys `<<` resolved). */
  readonly value: unknown;
  /**
   * Where the value at `parts` stands; for a key the config lacks, where its
   * nearest parent does. With `key`, the key of the last part rather than its value.
   */
  locate(parts: readonly PropertyKey[], key?: boolean): SourcePosition | undefined;
}

/** Problems that stop the read: syntax, duplicate keys, an empty file. */
export class SourceProblems extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(problems.map((p) => p.message).join("; "));
  }
}

const FIX_SYNTAX = { yaml: "fix the YAML syntax at that line", json: "fix the JSON syntax at that line" };

/** The line of the opening bracket or quote an "unclosed" error is really about. */
function openingOffset(text: string, errorOffset: number, message: string): number | undefined {
  const quote = /Missing closing (["'])quote/.exec(message)?.[1];
  if (quote) {
    const at = text.lastIndexOf(quote, errorOffset - 1);
    return at >= 0 ? at : undefined;
  }
  const flow = /Flow (sequence|mapping) in block collection/.exec(message)?.[1];
  if (flow) {
    const [open, close] = flow === "sequence" ? ["[", "]"] : ["{", "}"];
    let depth = 0;
    for (let i = errorOffset - 1; i >= 0; i--) {
      if (text[i] === close) depth++;
      else if (text[i] === open && depth-- === 0) return i;
    }
  }
  return undefined;
}

export function readConfigSource(file: string, text: string, format: "yaml" | "json"): ConfigSource {
  const lines = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter: lines, uniqueKeys: false, merge: format === "yaml", prettyErrors: false });
  const at = (offset: number): SourcePosition => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  const problem = (pos: SourcePosition, message: string, fix: string): Problem => ({ path: "", message, fix, location: { file, ...pos } });

  if (format === "json") {
    try {
      JSON.parse(text);
    } catch (e) {
      const first = doc.errors[0];
      const pos = first ? at(first.pos[0]) : { line: 1, column: 1 };
      throw new SourceProblems([problem(pos, `not valid JSON: ${(e as Error).message.split("\n")[0].replace(/, (\.\.\.)?".*$/s, "")}`, FIX_SYNTAX.json)]);
    }
  } else if (doc.errors.length > 0) {
    throw new SourceProblems(
      doc.errors.slice(0, 3).map((e) => {
        const message = e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
        const opening = openingOffset(text, e.pos[0], message);
        return problem(at(opening ?? e.pos[0]), `not valid YAML: ${message}`, FIX_SYNTAX.yaml);
      }),
    );
  }

  // Duplicate keys: name the key and both places (the parser names only the second).
  const duplicates: Problem[] = [];
  YAML.visit(doc, {
    Map(_, map) {
      const seen = new Map<string, SourcePosition>();
      for (const pair of map.items) {
        if (!YAML.isScalar(pair.key) || pair.key.range === undefined || pair.key.range === null) continue;
        const name = String(pair.key.value);
        const pos = at(pair.key.range[0]);
        const first = seen.get(name);
        if (first)
          duplicates.push(
            problem(
              pos,
              `key "${name}" appears twice: at line ${first.line} and line ${pos.line}`,
              "keep one of them (the parser would silently take the last)",
            ),
          );
        else seen.set(name, pos);
      }
    },
  });
  if (duplicates.length) throw new SourceProblems(duplicates);

  const value = doc.toJS({ maxAliasCount: 1000 });
  if (value === null || value === undefined) {
    throw new SourceProblems([problem({ line: 1, column: 1 }, "the file is empty", "write the mesh config into it: start from examples/three-clusters.yaml")]);
  }

  return {
    value,
    locate(parts, key = false) {
      let node: unknown = doc.contents;
      let last: SourcePosition | undefined = doc.contents?.range ? at(doc.contents.range[0]) : undefined;
      for (const [i, part] of parts.entries()) {
        if (YAML.isMap(node)) {
          const pair = node.items.find((p) => YAML.isScalar(p.key) && String(p.key.value) === String(part));
          if (!pair) return last;
          const keyRange = YAML.isScalar(pair.key) ? pair.key.range : undefined;
          if (key && i === parts.length - 1 && keyRange) return at(keyRange[0]);
          node = pair.value;
          const range = (node as { range?: [number, number, number] } | null)?.range ?? keyRange;
          if (range) last = at(range[0]);
        } else if (YAML.isSeq(node) && typeof part === "number") {
          node = node.items[part];
          const range = (node as { range?: [number, number, number] } | undefined)?.range;
          if (!range) return last;
          last = at(range[0]);
        } else {
          return last;
        }
      }
      return last;
    },
  };
}
