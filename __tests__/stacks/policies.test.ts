import { buildMesh } from "../../stacks";
import { runApp } from "../../tools/app";
import { scratchDir, writeConfig, threeClusterConfig } from "../helpers";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";

it("every stack kind, for every cluster of the three-cluster example, passes the policy pack", () => {
  const stderr: string[] = [];
  const outdir = scratchDir();
  const file = path.join(__dirname, "..", "..", "examples", "three-clusters.yaml");
  const code = runApp({
    env: { AGGRIK8S_CONFIG: writeConfig(YAML.parse(fs.readFileSync(file, "utf8"))) },
    outdir,
    stderr: (l) => stderr.push(l),
    build: buildMesh,
  });
  // Nothing but the example's one warning (talos-west: Rook on 2 workers, a single Ceph mon).
  expect(stderr).toEqual([expect.stringMatching(/^warning: .*: clusters\[1\]\.platform\.rookCeph: rook-ceph on 2 workers runs a single Ceph mon/)]);
  expect(code).toBe(0);
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  expect(Object.keys(manifest.stacks)).toHaveLength(1 + 5 * threeClusterConfig().clusters.length + 1);
});
