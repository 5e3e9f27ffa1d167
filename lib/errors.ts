/**
 * Every error aggrik8s raises comes from here, so each says the same three
 * things: where (a config path or construct path), what is wrong with which
 * value, and how to fix it.
 */

/** One thing wrong with the input. */
export interface Problem {
  /** Where: a config field path such as `clusters[1].network.podSubnet`, or a construct path; empty for the file as a whole. */
  readonly path: string;
  /** What is wrong, naming the bad value. */
  readonly message: string;
  /** What to do about it. */
  readonly fix: string;
  /** Where in the config file, when the config came from one. */
  readonly location?: { readonly file: string; readonly line: number; readonly column: number };
}

/**
 * Values shaped like credentials, wherever they appear in a message: a
 * Proxmox API token, a Doppler token, a PEM block, the password of a URL, a
 * Honeycomb key. Errors reach CI logs, so none may repeat one.
 */
const CREDENTIAL_SHAPES: readonly [RegExp, string][] = [
  [/-----BEGIN [A-Z ]+-----[\s\S]*?(-----END [A-Z ]+-----|$)/g, "<PEM block, masked>"],
  [/[A-Za-z0-9._-]+@[A-Za-z0-9._-]+![A-Za-z0-9._-]+=[0-9a-fA-F-]{8,}/g, "<Proxmox API token, masked>"],
  [/\bdp\.(st|pt|sa|ct|scim|audit)\.[A-Za-z0-9._-]+/g, "<Doppler token, masked>"],
  [/(:\/\/[^:/@\s"]+):[^@/\s"]*@/g, "$1:****@"],
  // Long runs of letters and digits with both (API keys); IDs of hex digits only are left alone.
  [/\b(?=[A-Za-z0-9]*[A-Za-z])(?=[A-Za-z0-9]*[0-9])(?![0-9a-f]{32,}\b)[A-Za-z0-9]{22,}\b/g, "<key-like value, masked>"],
];

/** `text` with every credential-shaped value masked. */
export function maskSecrets(text: string): string {
  return CREDENTIAL_SHAPES.reduce((t, [re, mask]) => t.replace(re, mask), text);
}

/** Renders one problem as a single line: `[file:line:column: ]path: message. Fix: fix`, credentials masked. */
export function formatProblem(p: Problem): string {
  const message = p.message.replace(/\.$/, "");
  const where = p.location ? `${p.location.file}:${p.location.line}:${p.location.column}: ` : "";
  return maskSecrets(`${where}${p.path ? `${p.path}: ` : ""}${message}. Fix: ${p.fix}`);
}

/** Base class: callers can tell our errors (bad input) from bugs. */
export class Aggrik8sError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The mesh config is invalid: carries every problem found, not just the first. */
export class ConfigError extends Aggrik8sError {
  constructor(
    /** Where the config came from, e.g. a file path or "embedded default mesh". */
    readonly source: string,
    readonly problems: readonly Problem[],
  ) {
    super(
      `${problems.length} problem${problems.length === 1 ? "" : "s"} in the mesh config (${maskSecrets(source)}):\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join("\n"),
    );
  }
}

/** A construct was given props it cannot build from. */
export class PropsError extends Aggrik8sError {
  constructor(problem: Problem) {
    super(formatProblem(problem));
  }
}

/** A policy acknowledgement cannot be recorded or applied: a missing reason, an id no rule has. */
export class AcknowledgementError extends Aggrik8sError {
  constructor(problem: Problem) {
    super(formatProblem(problem));
  }
}

/** A stack's state cannot be read: the engine failed on it for a reason other than there being none yet. */
export class StateError extends Aggrik8sError {
  constructor(problem: Problem) {
    super(formatProblem(problem));
  }
}
