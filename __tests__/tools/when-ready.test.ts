import { runWhenReady } from "../../tools/when-ready";

/** Runs whose ends the test decides: `finish(name, ok)`; `log` records starts and ends in order. */
function controlled() {
  const log: string[] = [];
  const ends = new Map<string, (ok: boolean) => void>();
  const run = (n: string) =>
    new Promise<boolean>((resolve) => {
      log.push(`start ${n}`);
      ends.set(n, (ok) => {
        log.push(`end ${n}`);
        resolve(ok);
      });
    });
  const tick = () => new Promise((r) => setImmediate(r));
  const finish = async (n: string, ok = true) => {
    await tick();
    const end = ends.get(n);
    if (!end) throw new Error(`${n} is not running (log: ${log.join(", ")})`);
    ends.delete(n);
    end(ok);
    await tick();
  };
  return { log, run, finish, running: () => [...ends.keys()] };
}

// Two clusters' chains after the mesh CA (the apply proof's subset): cilium waits on mesh-ca, platform on its cilium.
const DEPS: Record<string, string[]> = {
  "mesh-ca": [],
  "east-cilium": ["mesh-ca", "east-talos"],
  "east-platform": ["east-cilium"],
  "west-cilium": ["mesh-ca", "west-talos"],
  "west-platform": ["west-cilium"],
  "east-credentials": ["east-talos"],
};
const NAMES = Object.keys(DEPS);

describe("runWhenReady: each stack as soon as its own upstreams are done", () => {
  it("starts a cluster's platform when its Cilium is done, not when the other cluster's is (a wave would wait)", async () => {
    const c = controlled();
    const result = runWhenReady(NAMES, (n) => DEPS[n], c.run, { concurrent: true });
    // Stacks outside the set (the Talos stacks) count as done: mesh-ca and the credentials start at once.
    await c.finish("mesh-ca");
    expect(c.running().sort()).toEqual(["east-cilium", "east-credentials", "west-cilium"]);
    await c.finish("east-cilium");
    expect(c.running().sort()).toEqual(["east-credentials", "east-platform", "west-cilium"]);
    for (const n of ["east-platform", "west-cilium", "east-credentials", "west-platform"]) await c.finish(n);
    expect(await result).toEqual({
      done: ["mesh-ca", "east-cilium", "east-platform", "west-cilium", "east-credentials", "west-platform"],
      failed: [],
      notStarted: [],
    });
  });

  it("starts nothing new after a failure; the running ones finish", async () => {
    const c = controlled();
    const result = runWhenReady(NAMES, (n) => DEPS[n], c.run, { concurrent: true });
    await c.finish("mesh-ca");
    await c.finish("west-cilium", false);
    // east-cilium is done after the failure: its platform must not start.
    await c.finish("east-cilium");
    await c.finish("east-credentials");
    expect(c.running()).toEqual([]);
    expect(await result).toEqual({
      done: ["mesh-ca", "east-cilium", "east-credentials"],
      failed: ["west-cilium"],
      notStarted: ["east-platform", "west-platform"],
    });
  });

  it("one at a time in the given order when not concurrent (the engine asks on the terminal)", async () => {
    const c = controlled();
    const result = runWhenReady(NAMES, (n) => DEPS[n], c.run, { concurrent: false });
    for (const n of ["mesh-ca", "east-cilium", "east-platform", "west-cilium", "west-platform", "east-credentials"]) {
      expect(c.running()).toEqual([n]);
      await c.finish(n);
    }
    expect((await result).done).toEqual(["mesh-ca", "east-cilium", "east-platform", "west-cilium", "west-platform", "east-credentials"]);
  });

  it("a cycle never starts (reported, not a hang); a run that throws counts as failed", async () => {
    const cycle = await runWhenReady(
      ["a", "b"],
      (n) => (n === "a" ? ["b"] : ["a"]),
      async () => true,
      { concurrent: true },
    );
    expect(cycle).toEqual({ done: [], failed: [], notStarted: ["a", "b"] });
    const thrown = await runWhenReady(
      ["a"],
      () => [],
      async () => {
        throw new Error("boom");
      },
      { concurrent: true },
    );
    expect(thrown).toEqual({ done: [], failed: ["a"], notStarted: [] });
  });
});
