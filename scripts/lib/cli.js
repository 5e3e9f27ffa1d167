// One command-line shape for every npm script: `--help` prints the usage and
// exits 0; an unknown flag or a stray argument prints the problem and the
// usage and exits 2. Node's own parseArgs does the parsing. Plain JS, so the
// JS scripts and the TypeScript ones share it (tsc copies it into dist/ and
// reads its types from the JSDoc below).
"use strict";
const { parseArgs } = require("node:util");

/**
 * @typedef {object} CliOption
 * @property {"boolean" | "string"} type
 * @property {string} [short] one-letter alias
 * @property {string} description
 * @property {boolean | string} [default]
 */
/**
 * @typedef {object} CliSpec
 * @property {string} name npm script name (`npm run NAME`)
 * @property {string} summary one line: what the command does
 * @property {Readonly<Record<string, CliOption>>} [options]
 * @property {string} [positionals] how positional arguments are described, e.g. "[stack ...]"; none allowed without it
 * @property {readonly string[]} [argv] the arguments (default: process.argv.slice(2))
 */
/**
 * @param {CliSpec} spec
 * @returns {{ values: Record<string, string | boolean | undefined>, positionals: string[] }}
 */
function cli(spec) {
  const options = spec.options ?? {};
  const usage = [
    `usage: npm run ${spec.name} --${spec.positionals ? ` ${spec.positionals}` : ""}${Object.keys(options).length ? " [options]" : ""}`,
    "",
    spec.summary,
    "",
    "options:",
    ...Object.entries(options).map(([k, o]) => `  ${o.short ? `-${o.short}, ` : ""}--${k}${o.type === "string" ? " VALUE" : ""}  ${o.description}`),
    "  -h, --help  show this and exit",
  ].join("\n");
  // parseArgs refuses keys set to undefined.
  const parseOptions = Object.fromEntries(
    Object.entries(options).map(([k, o]) => [
      k,
      Object.fromEntries(Object.entries({ type: o.type, short: o.short, default: o.default }).filter(([, v]) => v !== undefined)),
    ]),
  );
  let parsed;
  try {
    parsed = parseArgs({
      args: spec.argv ?? process.argv.slice(2),
      options: { ...parseOptions, help: { type: "boolean", short: "h" } },
      allowPositionals: Boolean(spec.positionals),
      strict: true,
    });
  } catch (e) {
    process.stderr.write(`${spec.name}: ${e.message.replace(/\. To specify a positional argument.*$/s, "")}\n\n${usage}\n`);
    process.exit(2);
  }
  if (parsed.values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  return parsed;
}

module.exports = { cli };
