import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { TerraformOutput, TerraformStack } from "cdktf";
import { PolicyAcknowledgements, PolicyLevel, PolicyRule } from "../../lib/aspects";
import { runApp } from "../../tools/app";
import { meshStackNames } from "../../stacks/naming";
import { defaultInput, expectSameTree, runSynth, scratchDir, THREE_CLUSTER_FILE, writeConfig } from "../helpers";

const root = path.join(__dirname, "..", "..");

describe("runApp", () => {
  it("fails on a policy violation and leaves the output directory as it was", () => {
    const outdir = scratchDir();
    fs.writeFileSync(path.join(outdir, "sentinel"), "untouched");
    const stderr: string[] = [];
    const code = runApp({
      env: { AGGRIK8S_CONFIG: "" },
      outdir,
      stderr: (l) => stderr.push(l),
      build: (app) => {
        const stack = new TerraformStack(app, "leaky");
        new TerraformOutput(stack, "kubeconfig", { value: "x" });
      },
    });
    expect(code).toBe(1);
    expect(stderr.join("\n")).toContain('output "kubeconfig" carries credentials but is not sensitive');
    expect(fs.readdirSync(outdir)).toEqual(["sentinel"]);
  });

  // A rule for these tests: every output named `flagged` is a finding at `level`.
  const flagged = (level: PolicyLevel): PolicyRule => ({
    id: "AGK-TEST-001",
    name: "flagged-outputs",
    level,
    description: "an output named flagged",
    fix: "rename it",
    check: ({ construct }) => (construct instanceof TerraformOutput && construct.friendlyUniqueId === "flagged" ? [{ message: "is flagged" }] : []),
  });
  const synthFlagged = (level: PolicyLevel, outdir = scratchDir()) => {
    const stderr: string[] = [];
    const code = runApp({
      env: { AGGRIK8S_CONFIG: "" },
      outdir,
      stderr: (l) => stderr.push(l),
      rules: [flagged(level)],
      build: (app) => {
        new TerraformOutput(new TerraformStack(app, "s"), "flagged", { value: "x" });
      },
    });
    return { code, stderr, outdir };
  };

  it("fails by the level of the finding: an error fails synth, a warning is printed and synth goes on", () => {
    expect(synthFlagged("error")).toEqual(
      expect.objectContaining({ code: 1, stderr: ["error: 1 policy violation:", "  - [AGK-TEST-001 flagged-outputs] s/flagged: is flagged. Fix: rename it"] }),
    );
    const warned = synthFlagged("warning");
    expect({ code: warned.code, stderr: warned.stderr }).toEqual({
      code: 0,
      stderr: ["warning: [AGK-TEST-001 flagged-outputs] s/flagged: is flagged. Fix: rename it"],
    });
    const manifest = JSON.parse(fs.readFileSync(path.join(warned.outdir, "manifest.json"), "utf8"));
    expect(manifest.stacks.s.annotations).toEqual([expect.objectContaining({ level: "@cdktf/warn", constructPath: "s/flagged" })]);
  });

  it("fails on an error finding also when cdktf is told to go on past error annotations (as the cdktf CLI does)", () => {
    const saved = process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
    process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = "1";
    try {
      const outdir = scratchDir();
      expect(synthFlagged("error", outdir).code).toBe(1);
      expect(fs.readdirSync(outdir)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
      else process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = saved;
    }
  });

  it("synthesizes a violation acknowledged on its construct, with a reason, and reports it as info", () => {
    const outdir = scratchDir();
    const stderr: string[] = [];
    const code = runApp({
      env: { AGGRIK8S_CONFIG: "" },
      outdir,
      stderr: (l) => stderr.push(l),
      announce: true,
      build: (app) => {
        const output = new TerraformOutput(new TerraformStack(app, "leaky"), "kubeconfig", { value: "x" });
        PolicyAcknowledgements.add(output, [{ id: "AGK-SEC-001", reason: "read by a harness that cannot read sensitive outputs" }]);
      },
    });
    expect(code).toBe(0);
    expect(stderr.filter((l) => !l.startsWith("config: ") && !l.startsWith("synthesized "))).toEqual([
      'info: [AGK-SEC-001 sensitive-outputs] leaky/kubeconfig: output "kubeconfig" carries credentials but is not sensitive; acknowledged on leaky/kubeconfig: read by a harness that cannot read sensitive outputs',
    ]);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
    expect(manifest.stacks.leaky.annotations).toEqual([expect.objectContaining({ level: "@cdktf/info", constructPath: "leaky/kubeconfig" })]);
  });

  it("refuses an acknowledgement without a reason as bad input", () => {
    const stderr: string[] = [];
    const code = runApp({
      env: { AGGRIK8S_CONFIG: "" },
      outdir: scratchDir(),
      stderr: (l) => stderr.push(l),
      build: (app) => {
        PolicyAcknowledgements.add(new TerraformStack(app, "s"), [{ id: "AGK-SEC-001", reason: " " }]);
      },
    });
    expect({ code, stderr }).toEqual({ code: 1, stderr: [expect.stringMatching(/^error: s: acknowledgement of AGK-SEC-001 has no reason \(" "\)\. Fix: /)] });
  });

  it("lets bugs (non-input errors) propagate", () => {
    expect(() =>
      runApp({
        env: { AGGRIK8S_CONFIG: "" },
        outdir: scratchDir(),
        stderr: () => {},
        build: () => {
          throw new TypeError("bug");
        },
      }),
    ).toThrow("bug");
  });
});

describe("main.ts as cdktf runs it", () => {
  // The app command exactly as cdktf.json gives it to cdktf, which runs it with a shell.
  const app: string = JSON.parse(fs.readFileSync(path.join(root, "cdktf.json"), "utf8")).app;
  const run = (env: Record<string, string>) =>
    spawnSync("sh", ["-c", app], {
      cwd: root,
      env: { ...process.env, ...env, AGGRIK8S_CONFIG: env.AGGRIK8S_CONFIG ?? "" },
      encoding: "utf8",
    });

  it("writes every stack of the default mesh and says so", () => {
    const outdir = path.join(scratchDir(), "cdktf.out");
    const r = run({ CDKTF_OUTDIR: outdir });
    expect(r.status).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
    // In construction order, which the registry keeps.
    const stacks = meshStackNames(["talos-east", "talos-west"]);
    expect(Object.keys(manifest.stacks).sort()).toEqual([...stacks].sort());
    expect(r.stderr).toBe(
      `config: the embedded demo mesh (no AGGRIK8S_CONFIG, no ./aggrik8s.yaml, .yml or .json: npm run init writes one)\nsynthesized ${stacks.length} stacks into ${outdir}/: ${stacks.join(", ")}\n`,
    );
  });

  it("leaves the list of stacks to the cdktf CLI when the CLI runs it", () => {
    // The CLI passes its context in CDKTF_CONTEXT_JSON and prints "Generated Terraform code for the stacks: ...".
    const r = run({ CDKTF_OUTDIR: path.join(scratchDir(), "cdktf.out"), CDKTF_CONTEXT_JSON: JSON.stringify({ cdktfRelativeModules: [] }) });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
  });

  it("is what `npm run synth` runs, and needs nothing else the CLI would pass", () => {
    const cdktfJson = JSON.parse(fs.readFileSync(path.join(root, "cdktf.json"), "utf8"));
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
    expect(cdktfJson.app).toBe(pkg.scripts.synth.replace(/^tsc -b/, "node node_modules/typescript/bin/tsc -b"));
    // The CLI hands cdktf.json's context to the app; a direct run would not see it.
    expect(cdktfJson.context).toEqual({});
  });

  it("writes what `cdktf synth` writes through the CLI", () => {
    const direct = path.join(scratchDir(), "direct");
    expect(run({ CDKTF_OUTDIR: direct }).status).toBe(0);
    const viaCli = path.join(scratchDir(), "cli");
    const cli = spawnSync(path.join(root, "node_modules", ".bin", "cdktf"), ["synth", "--output", viaCli], {
      cwd: root,
      env: { ...process.env, AGGRIK8S_CONFIG: "", CHECKPOINT_DISABLE: "1" },
      encoding: "utf8",
    });
    expect(cli.status).toBe(0);
    expectSameTree(viaCli, direct);
  }, 60_000);

  it("exits 1 on a bad config and writes nothing", () => {
    const input = defaultInput();
    input.clusters[1].id = 1;
    const outdir = path.join(scratchDir(), "cdktf.out");
    const r = run({ CDKTF_OUTDIR: outdir, AGGRIK8S_CONFIG: writeConfig(input) });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("clusters[1].id: cluster id 1 is already used by clusters[0] (talos-east)");
    expect(fs.existsSync(outdir)).toBe(false);
  });
});

it("leaves cdktf.out/stacks/ holding exactly the stacks of the config synthesized last", () => {
  const outdir = path.join(scratchDir(), "cdktf.out");
  const three = runSynth({ AGGRIK8S_CONFIG: THREE_CLUSTER_FILE }, outdir);
  expect(three.code).toBe(0);
  expect(fs.readdirSync(path.join(outdir, "stacks")).sort()).toEqual(meshStackNames(["talos-east", "talos-west", "talos-edge"]).sort());
  // An engine working file of a stack both configs have survives.
  fs.mkdirSync(path.join(outdir, "stacks", "mesh-ca", ".terraform"));
  const two = runSynth({}, outdir);
  expect(two.code).toBe(0);
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  expect(fs.readdirSync(path.join(outdir, "stacks")).sort()).toEqual(Object.keys(manifest.stacks).sort());
  expect(fs.existsSync(path.join(outdir, "stacks", "mesh-ca", ".terraform"))).toBe(true);
});

it("writes state and credential paths that reach the config's folders from any output directory", () => {
  const outdir = path.join(scratchDir(), "somewhere", "else", "out");
  expect(runSynth({}, outdir).code).toBe(0);
  const stackDir = path.join(outdir, "stacks", "talos-east-credentials");
  const json = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
  expect(path.resolve(stackDir, json.terraform.backend.local.path)).toBe(path.resolve("state", "talos-east-credentials.tfstate"));
  const [kubeconfig] = Object.values(json.resource.local_sensitive_file) as { filename: string }[];
  expect(path.resolve(stackDir, kubeconfig.filename)).toBe(path.resolve("credentials", "talos-east", "kubeconfig"));
});
