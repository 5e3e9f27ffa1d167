// Every npm script shares one command-line shape: --help prints its usage
// and exits 0; an unknown flag prints the usage and exits 2.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import pkg from "../../package.json";
import { Testing } from "cdktf";
import { defaultInput, meshApp, resolvedConfig, runSynth, scratchDir, writeConfig } from "../helpers";

const root = path.join(__dirname, "..", "..");
// The compile step every TypeScript script starts with (runner.test.ts checks it) is left out here: npm test has just run it.
const run = (script: string, arg: string) =>
  spawnSync("sh", ["-c", `${pkg.scripts[script as keyof typeof pkg.scripts].replace(/^tsc -b && /, "")} ${arg}`], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, AGGRIK8S_CONFIG: "" },
  });

describe.each(Object.keys(pkg.scripts))("npm run %s", (script) => {
  it("answers --help with its usage", () => {
    const r = run(script, "--help");
    expect({ script, status: r.status, usage: r.stdout.split("\n")[0] }).toEqual({
      script,
      status: 0,
      usage: expect.stringMatching(new RegExp(`^usage: npm run ${script} --`)),
    });
  });

  it("refuses an unknown flag with exit 2 and the usage", () => {
    const r = run(script, "--no-such-flag");
    expect({ script, status: r.status }).toEqual({ script, status: 2 });
    expect(r.stderr).toContain(`usage: npm run ${script} --`);
    expect(r.stderr).toContain("--no-such-flag");
  });
});

/** Every secret variable the example mesh reads. */
const SECRET_ENVS = [
  "PROXMOX_VE_API_TOKEN",
  "HONEYCOMB_API_KEY",
  "ROBUSTA_SIGNING_KEY",
  "ROBUSTA_ACCOUNT_ID",
  "ROBUSTA_UI_SINK_TOKEN",
  "GROUNDCOVER_TOKEN",
  "CLOUDFLARE_API_TOKEN",
  "PROXMOX_CSI_TOKEN_SECRET",
];

describe("which config a command uses", () => {
  const tool = (cwd: string, entry: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    const clean = { ...process.env, ...env };
    delete clean.AGGRIK8S_CONFIG;
    for (const k of SECRET_ENVS) delete clean[k];
    return spawnSync(process.execPath, [path.join(root, "dist", "scripts", entry.replace(/\.ts$/, ".js")), ...args], {
      cwd,
      encoding: "utf8",
      env: clean,
    });
  };

  it("deploy refuses the embedded demo mesh and says how to start your own", () => {
    const dir = scratchDir();
    const r = tool(dir, "cdktf.ts", ["deploy"]);
    expect(r.status).toBe(1);
    expect(r.stderr.split("\n").slice(0, 2)).toEqual([
      "config: the embedded demo mesh (no AGGRIK8S_CONFIG, no ./aggrik8s.yaml, .yml or .json: npm run init writes one)",
      "error: deploy refuses the embedded demo mesh: its Proxmox endpoint and addresses are examples. Fix: npm run init writes ./aggrik8s.yaml to edit (or set AGGRIK8S_CONFIG to your config file)",
    ]);
  });

  it.each(["0", "two", "1.5"])("diff refuses --parallel %s, before synthesizing anything", (value) => {
    const dir = scratchDir();
    const r = tool(dir, "cdktf.ts", ["diff", "--parallel", value, "--output", path.join(dir, "out")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`error: --parallel ${value} is not a positive whole number. Fix: give the number of stacks to plan at once, e.g. --parallel 2\n`);
    expect(fs.existsSync(path.join(dir, "out"))).toBe(false);
  });

  it("npm run init writes ./aggrik8s.yaml, which deploy then uses, getting past the config step", () => {
    const dir = scratchDir();
    const init = tool(dir, "init.ts", []);
    expect(init.status).toBe(0);
    const written = fs.readFileSync(path.join(dir, "aggrik8s.yaml"), "utf8");
    expect(written.split("\n")[0]).toBe(`# yaml-language-server: $schema=${path.relative(dir, path.join(root, "config.schema.json"))}`);
    // One schema hint (the example's own is relative to examples/), and the docs it points to exist.
    expect(written.match(/\$schema=/g)).toHaveLength(1);
    const pointers = written.split("\n").filter((l) => l.startsWith("#") && /README|docs\//.test(l));
    expect(pointers.length).toBeGreaterThan(0);
    for (const l of pointers) {
      expect({ l, readmeReference: /README's config reference|config reference in the README/.test(l) }).toEqual({ l, readmeReference: false });
      for (const doc of l.match(/docs\/[\w.-]+\.md/g) ?? []) expect(fs.existsSync(path.join(root, doc))).toBe(true);
    }
    expect(tool(dir, "init.ts", []).status).toBe(1);
    const deploy = tool(dir, "cdktf.ts", ["deploy"]);
    expect(
      deploy.stderr
        .split("\n")
        .filter((l) => !l.startsWith("warning: "))
        .slice(0, 2),
    ).toEqual([
      `config: ${path.join(dir, "aggrik8s.yaml")} (./aggrik8s.yaml; AGGRIK8S_CONFIG is unset)`,
      "error: secrets the stacks need are not set: PROXMOX_VE_API_TOKEN, CLOUDFLARE_API_TOKEN, ETCD_BACKUP_S3_ACCESS_KEY_ID, ETCD_BACKUP_S3_SECRET_ACCESS_KEY, GROUNDCOVER_TOKEN, HONEYCOMB_API_KEY, PROXMOX_CSI_TOKEN_SECRET, ROBUSTA_ACCOUNT_ID, ROBUSTA_SIGNING_KEY, ROBUSTA_UI_SINK_TOKEN. Fix: export them before deploy.",
    ]);
    expect(deploy.status).toBe(1);
  });
});

describe("destroying one cluster", () => {
  const destroy = (cluster: string) =>
    spawnSync(process.execPath, [path.join(root, "dist", "scripts", "cdktf.js"), "destroy", "--cluster", cluster], {
      cwd: scratchDir(),
      encoding: "utf8",
      env: { ...process.env, AGGRIK8S_CONFIG: path.join(root, "examples", "three-clusters.yaml") },
    });

  it("is refused while the cluster's PKI is protected, saying how to lift it", () => {
    const r = destroy("talos-edge");
    expect(r.status).toBe(1);
    expect(r.stderr.split("\n")[1]).toBe(
      "error: --cluster talos-edge: its Talos machine secrets are protected (prevent_destroy), so destroy would stop halfway. Fix: set allowPkiDestroy: true on that cluster in the config, run npm run deploy -- talos-edge-talos so the protection is lifted, then destroy",
    );
  });

  it("names the clusters when the one asked for is not in the config", () => {
    const r = destroy("talos-north");
    expect(r.status).toBe(1);
    expect(r.stderr.split("\n")[1]).toBe(
      "error: --cluster talos-north: no such cluster in the config (talos-east, talos-west, talos-edge). Fix: name one of them; a cluster already removed from the config must be put back to be destroyed",
    );
  });

  it("lifts prevent_destroy from one cluster's machine secrets with its own allowPkiDestroy", () => {
    const { stacks } = meshApp(resolvedConfig((c) => (c.clusters[1].allowPkiDestroy = true)));
    const lifecycle = (i: number) =>
      (Object.values(JSON.parse(Testing.synth(stacks.clusters[i].talos)).resource.talos_machine_secrets)[0] as { lifecycle: unknown }).lifecycle;
    expect([lifecycle(0), lifecycle(1)]).toEqual([{ prevent_destroy: true }, { prevent_destroy: false }]);
  });
});

it("synth warns about local state of a stack the config no longer has", () => {
  const dir = scratchDir();
  fs.mkdirSync(path.join(dir, "state"));
  fs.writeFileSync(path.join(dir, "state", "talos-north-vms.tfstate"), "{}");
  const input = defaultInput();
  input.state = { backend: "local", dir: path.join(dir, "state") };
  const r = runSynth({ AGGRIK8S_CONFIG: writeConfig(input) });
  expect(r.code).toBe(0);
  expect(r.stderr).toEqual([
    `warning: ${path.join(dir, "state", "talos-north-vms.tfstate")}: stack talos-north-vms has state but is no longer in the config, so nothing manages what it deployed. Fix: put its cluster back and run npm run destroy -- --cluster <name>, or remove that state if those resources are gone (docs/operations.md: removing a cluster)`,
  ]);
});

it("npm run config lists only the secrets the stacks read, with the stacks that read them", () => {
  const r = spawnSync(process.execPath, [path.join(root, "dist", "scripts", "config.js")], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, AGGRIK8S_CONFIG: path.join(root, "examples", "three-clusters.yaml"), HONEYCOMB_API_KEY: "x" },
  });
  expect(r.status).toBe(0);
  const listed = r.stdout.split("\n").filter((l) => l.startsWith("#   "));
  // OpenTelemetry, Robusta and etcd backups are on in talos-east only, the ACME issuer in talos-west, the Proxmox CSI plugin where Rook is off (talos-edge).
  expect(listed).toEqual([
    "#   CLOUDFLARE_API_TOKEN: NOT SET (talos-west-platform)",
    "#   ETCD_BACKUP_S3_ACCESS_KEY_ID: NOT SET (talos-east-platform)",
    "#   ETCD_BACKUP_S3_SECRET_ACCESS_KEY: NOT SET (talos-east-platform)",
    "#   GROUNDCOVER_TOKEN: NOT SET (talos-edge-platform)",
    "#   HONEYCOMB_API_KEY: set (value hidden) (talos-east-platform)",
    "#   PROXMOX_CSI_TOKEN_SECRET: NOT SET (talos-edge-platform)",
    "#   PROXMOX_VE_API_TOKEN: NOT SET (talos-east-vms, talos-edge-vms, talos-west-vms)",
    "#   ROBUSTA_ACCOUNT_ID: NOT SET (talos-east-platform)",
    "#   ROBUSTA_SIGNING_KEY: NOT SET (talos-east-platform)",
    "#   ROBUSTA_UI_SINK_TOKEN: NOT SET (talos-east-platform)",
  ]);
  expect(r.stdout).not.toContain("\nx\n");
});

it("npm run config prints its summary (config, warnings, secrets) before the YAML", () => {
  const r = spawnSync(process.execPath, [path.join(root, "dist", "scripts", "config.js")], {
    cwd: scratchDir(),
    encoding: "utf8",
    env: { ...process.env, AGGRIK8S_CONFIG: path.join(root, "examples", "three-clusters.yaml") },
  });
  expect(r.status).toBe(0);
  const lines = r.stdout.split("\n");
  const yamlStart = lines.indexOf("# the resolved config (defaults filled in):");
  expect(lines.slice(0, 2)).toEqual([
    `# config: ${path.join(root, "examples", "three-clusters.yaml")} (from AGGRIK8S_CONFIG)`,
    "# secrets the stacks read from the environment at deploy time:",
  ]);
  expect(lines[yamlStart - 1]).toBe("# 1 warning (on stderr, above)");
  expect(lines.slice(0, yamlStart).filter((l) => !l.startsWith("#"))).toEqual([]);
  expect(lines[yamlStart + 1]).toMatch(/^versions:$/);
  expect(lines.slice(yamlStart + 1).filter((l) => l.startsWith("#   "))).toEqual([]);
  expect(r.stderr.split("\n").filter((l) => l.startsWith("warning: "))).toEqual([
    expect.stringMatching(/^warning: .*three-clusters\.yaml:\d+:\d+: clusters\[1\]\.platform\.rookCeph: rook-ceph on 2 workers runs a single Ceph mon/),
  ]);
});

it("destroy checks the secrets like the other commands, before anything runs", () => {
  const env: NodeJS.ProcessEnv = { ...process.env, AGGRIK8S_CONFIG: path.join(root, "examples", "three-clusters.yaml") };
  for (const k of SECRET_ENVS) delete env[k];
  const r = spawnSync(process.execPath, [path.join(root, "dist", "scripts", "cdktf.js"), "destroy", "talos-edge-vms"], {
    cwd: scratchDir(),
    encoding: "utf8",
    env,
  });
  expect(r.status).toBe(1);
  expect(r.stderr.split("\n").filter((l) => !l.startsWith("warning: "))[1]).toBe(
    "error: secrets the stacks need are not set: PROXMOX_VE_API_TOKEN. Fix: export them before destroy.",
  );
});
