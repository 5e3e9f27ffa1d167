/**
 * The order `npm run deploy` and `destroy` run a subset of stacks in through
 * the engine: each stack as soon as the stacks it waits on are done (deploy:
 * its dependencies; destroy: its dependents), not when a whole wave is, so
 * every cluster's chain moves at its own pace.
 */

/** What became of each stack. */
export interface ScheduleResult {
  /** Succeeded, in the order they ended. */
  readonly done: readonly string[];
  /** Failed, in the order they ended. */
  readonly failed: readonly string[];
  /** Never started: a stack they wait on failed (or another did, and nothing new starts after a failure). */
  readonly notStarted: readonly string[];
}

export interface ScheduleOptions {
  /**
   * Every ready stack at once; else one at a time, the first ready one in
   * `names` order (the engine may ask for approval on the terminal).
   */
  readonly concurrent: boolean;
}

/**
 * Runs `run` for each of `names` as soon as every name `waitsOn` returns for
 * it (among `names`; others are taken as done) has succeeded. After a failure
 * nothing new starts; the running ones finish. A stack that waits on itself
 * or on a cycle never starts and is reported as not started.
 */
export async function runWhenReady(
  names: readonly string[],
  waitsOn: (name: string) => readonly string[],
  run: (name: string) => Promise<boolean>,
  options: ScheduleOptions,
): Promise<ScheduleResult> {
  const wanted = new Set(names);
  const upstream = new Map(names.map((n) => [n, waitsOn(n).filter((u) => wanted.has(u))]));
  const done: string[] = [];
  const failed: string[] = [];
  const started = new Set<string>();
  const running = new Map<string, Promise<void>>();
  const ready = (n: string) => !started.has(n) && upstream.get(n)!.every((u) => done.includes(u));
  for (;;) {
    if (!failed.length) {
      for (const n of names) {
        if (!options.concurrent && running.size) break;
        if (!ready(n)) continue;
        started.add(n);
        running.set(
          n,
          run(n)
            .catch(() => false)
            .then((ok) => {
              running.delete(n);
              (ok ? done : failed).push(n);
            }),
        );
      }
    }
    if (!running.size) break;
    await Promise.race(running.values());
  }
  return { done, failed, notStarted: names.filter((n) => !started.has(n)) };
}
