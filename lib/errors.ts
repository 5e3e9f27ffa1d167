/**
 * Every error aggrik8s raises comes from here, so each says the same three
 * things: where (a config path or construct path), what is wrong with which
 * value, and how to fix it.
 */

/** One thing wrong with the input. */
export interface Problem {
  /** Where: a config field path such as `clusters[1].network.podSubnet`, or a construct path. */
  readonly path: string;
  /** What is wrong, naming the bad value. */
  readonly message: string;
  /** What to do about it. */
  readonly fix: string;
}

/** Renders one problem as a single line: `path: message. Fix: fix`. */
export function formatProblem(p: Problem): string {
  const message = p.message.replace(/\.$/, "");
  return `${p.path}: ${message}. Fix: ${p.fix}`;
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
      `${problems.length} problem${problems.length === 1 ? "" : "s"} in the mesh config (${source}):\n` +
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
