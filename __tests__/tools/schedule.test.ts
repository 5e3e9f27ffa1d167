// How a deploy fans out over CI jobs (npm run graph, the workflow's matrix), and the
// plan digests the deploy jobs check a fresh plan against.
import { spawnSync } from "child_process";
import * as path from "path";
import { App, TerraformStack } from "cdktf";
import { deploySchedule, formatSchedule, scheduleMatrix } from "../../tools/graph";
import { meshSchedule } from "../../tools/mesh-graph";
import { clusterStackNames } from "../../stacks/naming";
import { formatDigests, parseDigests, planDigest } from "../../tools/plan-digest";
import { THREE_CLUSTER_FILE, scratchDir } from "../helpers";

const root = path.join(__dirname, "..", "..");

describe("deploy schedule", () => {
  it("puts mesh-ca first, one job per cluster chain, mesh-credentials last", () => {
    const s = meshSchedule({ AGGRIK8S_CONFIG: THREE_CLUSTER_FILE });
    expect(s.before).toEqual(["mesh-ca"]);
    expect(s.after).toEqual(["mesh-credentials"]);
    expect(s.clusters.map((c) => c.cluster)).toEqual(["talos-east", "talos-west", "talos-edge"]);
    // Deploy order is the registry's: each kind after the ones it reads.
    expect(s.clusters[0].stacks).toEqual(clusterStackNames("talos-east"));
    expect(scheduleMatrix(s).include[2]).toEqual({ cluster: "talos-edge", stacks: clusterStackNames("talos-edge").join(" ") });
    expect(formatSchedule(s).split("\n").slice(0, 3)).toEqual([
      "deploy schedule (one CI job per line; the cluster jobs run at once):",
      "  1. mesh-ca",
      "  2. 3 cluster jobs at once:",
    ]);
  });

  it("refuses a graph whose cluster chains depend on each other (they could not be separate jobs)", () => {
    const app = new App({ outdir: scratchDir() });
    const [a, b] = ["red-vms", "blue-vms"].map((n) => new TerraformStack(app, n));
    b.addDependency(a);
    expect(() => deploySchedule(app, ["red", "blue"])).toThrow("stack blue-vms depends on red-vms: the cluster chains would not be independent jobs");
  });

  it("npm run graph -- --matrix prints the matrix as one JSON line; npm run graph prints the schedule", () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, [path.join(root, "dist", "scripts", "graph.js"), ...args], {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, AGGRIK8S_CONFIG: THREE_CLUSTER_FILE },
      });
    const m = run(["--matrix"]);
    expect(m.status).toBe(0);
    expect(m.stdout.trim().split("\n")).toHaveLength(1);
    expect(JSON.parse(m.stdout).include.map((e: { cluster: string }) => e.cluster)).toEqual(["talos-east", "talos-west", "talos-edge"]);
    expect(run([]).stdout).toContain(`     - talos-edge: ${clusterStackNames("talos-edge").join(" -> ")}\n  3. mesh-credentials`);
  });
});

describe("plan digests", () => {
  const plan = (after: object, extra: object = {}) =>
    JSON.stringify({
      format_version: "1.2",
      timestamp: "2026-12-03T08:00:00Z",
      variables: { HONEYCOMB_API_KEY: { value: "x" } },
      resource_changes: [
        { address: "b.x", change: { actions: ["create"], before: null, after: { z: 1, a: 2 }, after_unknown: { id: true } } },
        { address: "a.y", change: { actions: ["create"], before: null, after, after_unknown: {} } },
      ],
      ...extra,
    });

  it("is the same for two plans of the same change (timestamp, variables and key order aside)", () => {
    expect(planDigest(plan({ k: "v" }))).toBe(planDigest(plan({ k: "v" }, { timestamp: "2026-12-03T09:00:00Z", variables: {} })));
  });

  it("differs when what is planned differs", () => {
    expect(planDigest(plan({ k: "v" }))).not.toBe(planDigest(plan({ k: "w" })));
  });

  it("round-trips through the sha256sum-style file", () => {
    const d = { "mesh-ca": planDigest(plan({})), "talos-east-vms": planDigest(plan({ k: 1 })) };
    expect(parseDigests(formatDigests(d))).toEqual(d);
  });
});

it("deploy --reviewed without --from-plans is refused with the fix", () => {
  const r = spawnSync(process.execPath, [path.join(root, "dist", "scripts", "cdktf.js"), "deploy", "--reviewed", "x.sha256"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, AGGRIK8S_CONFIG: THREE_CLUSTER_FILE },
  });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain(
    "error: --reviewed checks plans made again before applying them: it needs --from-plans. Fix: npm run deploy -- --from-plans --reviewed FILE",
  );
});

describe("OpenTofu state and plan encryption, on by default with tofu", () => {
  const { encryptionEnv } = require("../../tools/tofu-encryption");
  it("fills TF_ENCRYPTION from examples/tf-encryption.hcl with the passphrase, as an HCL literal", () => {
    const e = encryptionEnv("/usr/local/bin/tofu", { AGGRIK8S_STATE_PASSPHRASE: 'correct horse "battery" ${staple}' }, root);
    expect(e.TF_ENCRYPTION).toContain('passphrase = "correct horse \\"battery\\" $${staple}"');
    expect(e.TF_ENCRYPTION).toMatch(/plan \{\s+method\s+= method\.aes_gcm\.aggrik8s\s+enforced = true/);
  });
  it("refuses tofu without a passphrase, with the fix", () => {
    expect(() => encryptionEnv("tofu", {}, root)).toThrow(
      "OpenTofu is the engine, so its state and plan encryption is on, but AGGRIK8S_STATE_PASSPHRASE is not set. Fix: export AGGRIK8S_STATE_PASSPHRASE (at least 16 characters",
    );
  });
  it.each([
    ["terraform", {}],
    ["tofu", { TF_ENCRYPTION: "key_provider ..." }],
    ["tofu", { AGGRIK8S_STATE_ENCRYPTION: "off" }],
  ])("adds nothing for %s with %j", (bin, env) => {
    expect(encryptionEnv(bin, env, root)).toEqual({});
  });
});
