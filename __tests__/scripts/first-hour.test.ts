// What a new user hit in the first hour (issue 24), through the real npm
// scripts in a scratch copy of the checkout: which config is used, what
// cdktf.out/ holds, and failures that must not read as success.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { THREE_CLUSTER_FILE, defaultInput, engineTestsRun, localEngine, scratchDir } from "../helpers";
import { npmRun, scratchClone } from "../scratch-clone";
import pins from "../../versions.json";

jest.setTimeout(180_000);

// One copy for the file.
const dir = scratchClone();
const example = fs.readFileSync(THREE_CLUSTER_FILE, "utf8");
const put = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);
const remove = (...names: string[]) => names.forEach((n) => fs.rmSync(path.join(dir, n), { force: true }));
afterEach(() => remove("aggrik8s.yaml", "aggrik8s.yml", "aggrik8s.json"));

const STACKS_OF_DEMO =
  "mesh-ca, mesh-credentials, talos-east-cilium, talos-east-credentials, talos-east-platform, talos-east-talos, talos-east-vms, talos-west-cilium, talos-west-credentials, talos-west-platform, talos-west-talos, talos-west-vms";

describe("tests and generated docs are hermetic: ./aggrik8s.yaml and ./aggrik8s.yml in the root change nothing", () => {
  const generated = () =>
    Object.fromEntries(
      ["README.md", "config.schema.json", ...fs.readdirSync(path.join(dir, "docs")).map((f) => `docs/${f}`)].map((f) => [
        f,
        fs.readFileSync(path.join(dir, f), "utf8"),
      ]),
    );

  it("npm run docs -- --check finds the docs current, and npm run docs rewrites nothing", () => {
    put("aggrik8s.yaml", example);
    put("aggrik8s.yml", example.replace(/talos-edge/g, "lab-edge"));
    const before = generated();
    const check = npmRun(dir, "docs", ["--check"]);
    expect({ status: check.status, stderr: check.stderr }).toEqual({ status: 0, stderr: "" });
    expect(npmRun(dir, "docs").status).toBe(0);
    expect(generated()).toEqual(before);
  });

  it("the test suites that read a config pass", () => {
    put("aggrik8s.yaml", example);
    put("aggrik8s.yml", example);
    const suites = ["__tests__/lib/config/load.defaults.test.ts", "__tests__/tools/firewall.test.ts"];
    const r = spawnSync(process.execPath, [path.join("node_modules", "jest", "bin", "jest.js"), ...suites], { cwd: dir, encoding: "utf8" });
    expect({ status: r.status, failed: r.stderr.split("\n").filter((l) => /✕|●/.test(l)) }).toEqual({ status: 0, failed: [] });
  });
});

describe("the config used, and what cdktf.out/ was synthesized from", () => {
  it("npm run synth finds ./aggrik8s.yml", () => {
    put("aggrik8s.yml", example);
    const r = npmRun(dir, "synth");
    expect(r.status).toBe(0);
    const lines = r.stderr.split("\n");
    expect(lines[0]).toBe(`config: ${path.join(dir, "aggrik8s.yml")} (./aggrik8s.yml; AGGRIK8S_CONFIG is unset)`);
    expect(lines.at(-2)).toMatch(/^synthesized 17 stacks into cdktf\.out\/: mesh-ca, /);
  });

  it("npm run synth finds ./aggrik8s.json", () => {
    put("aggrik8s.json", JSON.stringify(YAML.parse(example)));
    const r = npmRun(dir, "synth");
    expect(r.status).toBe(0);
    expect(r.stderr.split("\n")[0]).toBe(`config: ${path.join(dir, "aggrik8s.json")} (./aggrik8s.json; AGGRIK8S_CONFIG is unset)`);
  });

  it("several config files are refused, each named, rather than one picked", () => {
    put("aggrik8s.yaml", example);
    put("aggrik8s.json", JSON.stringify(YAML.parse(example)));
    const r = npmRun(dir, "synth");
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `error: 1 problem in the mesh config (${path.join(dir, "aggrik8s.yaml")}):\n  - AGGRIK8S_CONFIG: AGGRIK8S_CONFIG is unset and the working directory holds 2 config files (./aggrik8s.yaml, ./aggrik8s.json), so which one is meant is unclear. Fix: keep one of them (rename or remove the others), or set AGGRIK8S_CONFIG to the one to use\n`,
    );
  });

  it("--skip-synth refuses a cdktf.out/ synthesized from another config (here the demo mesh)", () => {
    expect(npmRun(dir, "synth", [], { AGGRIK8S_CONFIG: "" }).status).toBe(0);
    put("aggrik8s.yml", example);
    const outdir = path.join(dir, "cdktf.out");
    for (const command of ["diff", "deploy"]) {
      const r = npmRun(dir, command, ["--skip-synth"]);
      expect({ command, status: r.status, last: r.stderr.trim().split("\n").at(-1) }).toEqual({
        command,
        status: 1,
        last: `error: --skip-synth: ${outdir} was synthesized from embedded default mesh, not from the current config (${path.join(dir, "aggrik8s.yml")}). Fix: drop --skip-synth (or run npm run synth first)`,
      });
    }
  });

  it("--skip-synth refuses a cdktf.out/ of an earlier version of the same file, and takes the current one's", () => {
    put("aggrik8s.yml", example);
    expect(npmRun(dir, "synth").status).toBe(0);
    put("aggrik8s.yml", example.replace("nodePort: 32380", "nodePort: 32390"));
    const stale = npmRun(dir, "diff", ["--skip-synth"]);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain(`was synthesized from an earlier version of ${path.join(dir, "aggrik8s.yml")}, not from the current config`);
    expect(npmRun(dir, "synth").status).toBe(0);
    // Past the check: the next refusal is of the stack name.
    const current = npmRun(dir, "diff", ["--skip-synth", "no-such-stack"]);
    expect(current.stderr.trim().split("\n").at(-1)).toMatch(/^error: diff: no stack named no-such-stack in the config/);
  });
});

describe("failures are not reported as success", () => {
  it("npm run diff -- <a misspelt stack> exits 1, naming it and the stacks there are", () => {
    const r = npmRun(dir, "diff", ["talos-east-vsm"], { AGGRIK8S_CONFIG: "" });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n").at(-1)).toBe(
      `error: diff: no stack named talos-east-vsm in the config (embedded default mesh). Fix: name stacks it has: ${STACKS_OF_DEMO}`,
    );
  });

  it("npm run toolchain exits 1 after a partial build, naming every provider it could not build", () => {
    const cache = scratchDir("aggrik8s-cache-");
    // One provider already in the mirror; the module proxy off and an empty module cache, so no other can be built.
    const env = { AGGRIK8S_CACHE: cache, GOPROXY: "off", GOMODCACHE: path.join(cache, "gomod"), GOTOOLCHAIN: "local", GOFLAGS: "" };
    // Where the script looks for it (toolchain.js reads AGGRIK8S_CACHE on every call).
    const saved = process.env.AGGRIK8S_CACHE;
    process.env.AGGRIK8S_CACHE = cache;
    const tlsBinary = (require("../../scripts/lib/toolchain") as { mirroredBinary(n: string): string }).mirroredBinary("tls");
    if (saved === undefined) delete process.env.AGGRIK8S_CACHE;
    else process.env.AGGRIK8S_CACHE = saved;
    fs.mkdirSync(path.dirname(tlsBinary), { recursive: true });
    fs.writeFileSync(tlsBinary, "#!/bin/sh\n", { mode: 0o755 });
    const r = npmRun(dir, "toolchain", [], { ...env, AGGRIK8S_PROVIDER_SRC: "" });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines.filter((l) => l.startsWith("[toolchain] hashicorp/tls"))).toEqual([`[toolchain] hashicorp/tls ${pins.providers.tls.version}: cached`]);
    expect(lines.filter((l) => / UNAVAILABLE: /.test(l)).length).toBeGreaterThanOrEqual(8);
    // Every pin but tls, in versions.json's order.
    const unbuilt = Object.values(pins.providers)
      .filter((p) => p.source !== "hashicorp/tls")
      .map((p) => `${p.source}@${p.version}`)
      .join(" ")
      .replace(/[.]/g, "\\.");
    expect(lines.find((l) => l.includes("PARTIAL"))).toMatch(
      new RegExp(`^\\[toolchain\\] PARTIAL after \\d+s: 1 of ${Object.keys(pins.providers).length} providers built; not built: ${unbuilt}`),
    );
    expect(lines.at(-1)).toMatch(new RegExp(`^\\[toolchain\\] error: not every pinned provider was built: ${unbuilt}`));
    expect(r.stderr).not.toMatch(/ready in/);
  });

  const engine = localEngine();
  (engineTestsRun(engine) ? describe : describe.skip)("when the engine cannot get its providers", () => {
    // A CLI config whose only source of providers is an empty folder: init fails as it does with no registry access, and nothing leaves the machine.
    const offline = () => {
      const d = scratchDir("aggrik8s-offline-");
      fs.mkdirSync(path.join(d, "empty"));
      fs.writeFileSync(
        path.join(d, "terraform.rc"),
        `provider_installation {\n  filesystem_mirror {\n    path    = "${path.join(d, "empty")}"\n    include = ["*/*/*"]\n  }\n}\n`,
      );
      return { TF_CLI_CONFIG_FILE: path.join(d, "terraform.rc"), AGGRIK8S_CACHE: path.join(d, "cache") };
    };
    const hint = (command: string) =>
      `error: ${command}: the engine (${path.basename(engine ?? "terraform")}) could not get the providers of mesh-ca (its error is above). Fix: run npm run toolchain, which builds every pinned provider into a local mirror, then eval "$(bash scripts/toolchain.sh --env)" so the engine uses it; or give the engine access to ${path.basename(engine ?? "") === "tofu" ? "registry.opentofu.org" : "registry.terraform.io"} (check a proxy, or TF_CLI_CONFIG_FILE=`;

    it("npm run diff says to run npm run toolchain or check registry access, after the engine's error", () => {
      const r = npmRun(dir, "diff", ["mesh-ca", "--no-color"], { AGGRIK8S_CONFIG: "", ...offline() });
      expect(r.status).toBe(1);
      expect(r.stdout).toContain("Failed to query available provider packages");
      expect(r.stderr).toContain(hint("diff"));
    });

    it("npm run deploy says so too, before cdktf runs, and prints each config warning once, as ours", () => {
      const input = defaultInput();
      input.proxmox = { endpoint: "https://127.0.0.1:8006/", insecure: true };
      put("aggrik8s.yaml", YAML.stringify(input));
      // --skip-preflight: what is tested here is what follows the Proxmox check (which has its own tests).
      const r = npmRun(dir, "deploy", ["mesh-ca", "--auto-approve", "--skip-preflight", "--no-color"], offline());
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(hint("deploy"));
      const all = `${r.stdout}${r.stderr}`;
      expect(all.match(/TLS verification of the Proxmox API is off/g)).toHaveLength(1);
      expect(all).toMatch(/^warning: aggrik8s\.yaml:\d+:\d+: proxmox\.insecure: TLS verification of the Proxmox API is off/m);
      expect(all).not.toContain("[ERROR]");
    });
  });

  // Needs the tls provider in the offline mirror (npm run toolchain); CI builds it before the tests, so there it must run.
  const toolchain = require("../../scripts/lib/toolchain") as { mirroredProviders(): string[]; cacheDir(): string };
  (engine && (toolchain.mirroredProviders().includes("tls") || process.env.CI === "true") ? it : it.skip)(
    "npm run deploy -- mesh-ca runs cdktf on the one synth it made: each config warning printed once, as ours, none relabelled [ERROR]",
    () => {
      const d = scratchDir("aggrik8s-mirror-");
      // Only the mirror, only tls (all mesh-ca needs): nothing leaves the machine.
      fs.writeFileSync(
        path.join(d, "terraform.rc"),
        `provider_installation {\n  filesystem_mirror {\n    path    = "${path.join(toolchain.cacheDir(), "providers")}"\n    include = ["registry.terraform.io/hashicorp/tls"]\n  }\n}\n`,
      );
      const input = defaultInput();
      input.proxmox = { endpoint: "https://127.0.0.1:8006/", insecure: true };
      put("aggrik8s.yaml", YAML.stringify(input));
      const r = npmRun(dir, "deploy", ["mesh-ca", "--auto-approve", "--skip-preflight", "--no-color"], {
        TF_CLI_CONFIG_FILE: path.join(d, "terraform.rc"),
        TF_PLUGIN_CACHE_DIR: path.join(d, "plugin-cache"),
      });
      const all = `${r.stdout}${r.stderr}`;
      expect({ status: r.status, last: r.stderr.trim().split("\n").at(-1) }).toEqual({ status: 0, last: "deploy: 1 of 1 stacks done" });
      expect(all.match(/TLS verification of the Proxmox API is off/g)).toHaveLength(1);
      expect(all).not.toContain("[ERROR]");
      expect(fs.existsSync(path.join(dir, "state", "mesh-ca.tfstate"))).toBe(true);
    },
  );
});
