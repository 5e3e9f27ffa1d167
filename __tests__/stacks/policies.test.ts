import * as fs from "fs";
import * as path from "path";
import { entryRun, fixture } from "../fixtures";

it("every stack kind, for every cluster of the three-cluster example, passes the policy pack", () => {
  // The synth entry point's run (policy pack included), shared with chain.test.ts (fixtures.ts).
  const { code, stderr, outdir } = entryRun("three-clusters");
  // Nothing but the example's one warning (talos-west: Rook on 2 workers, a single Ceph mon).
  expect(stderr).toEqual([expect.stringMatching(/^warning: .*: clusters\[1\]\.platform\.rookCeph: rook-ceph on 2 workers runs a single Ceph mon/)]);
  expect(code).toBe(0);
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  expect(Object.keys(manifest.stacks).sort()).toEqual(
    fixture("three-clusters")
      .stacks.map((s) => s.name)
      .sort(),
  );
});
