// The engine check before deploy/diff/destroy: exact messages, and the script refusing an old engine.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { compareVersions, engineProblem, parseEngineVersion } from "../../lib/engine";
import { formatProblem } from "../../lib/errors";
import { MINIMUM_ENGINE_VERSION } from "../../lib/versions";
import { defaultInput, scratchDir, writeConfig } from "../helpers";

const json = (v: string) => JSON.stringify({ terraform_version: v, platform: "linux_amd64" });
const FIX = "install Terraform or OpenTofu 1.11.0 or newer (npm run toolchain builds OpenTofu), or point TERRAFORM_BINARY_NAME at one";

describe("engine version check", () => {
  it("needs 1.11: write-only attributes", () => {
    expect(MINIMUM_ENGINE_VERSION).toBe("1.11.0");
  });

  const CASES: [string, string, string, string | undefined][] = [
    ["Terraform 1.11.4 passes", "terraform", json("1.11.4"), undefined],
    ["OpenTofu 1.12.6 passes", "/root/.cache/aggrik8s/bin/tofu", json("1.12.6"), undefined],
    ["a newer major passes", "terraform", json("2.0.0"), undefined],
    [
      "Terraform 1.10.5 is refused",
      "terraform",
      json("1.10.5"),
      `engine: Terraform 1.10.5 (terraform) is older than 1.11.0: it refuses the write-only attributes the stacks use (data_wo), so a plan would stop with "Unsupported argument". Fix: ${FIX}`,
    ],
    [
      "OpenTofu 1.10.7 is refused",
      "/usr/bin/tofu",
      json("1.10.7"),
      `engine: OpenTofu 1.10.7 (/usr/bin/tofu) is older than 1.11.0: it refuses the write-only attributes the stacks use (data_wo), so a plan would stop with "Unsupported argument". Fix: ${FIX}`,
    ],
    [
      "a 1.11 pre-release is refused",
      "terraform",
      json("1.11.0-beta1"),
      `engine: Terraform 1.11.0-beta1 (terraform) is older than 1.11.0: it refuses the write-only attributes the stacks use (data_wo), so a plan would stop with "Unsupported argument". Fix: ${FIX}`,
    ],
    [
      "an engine that prints no JSON version is refused",
      "terraform",
      "Terraform v0.12.31",
      `engine: terraform did not report its version (\`terraform version -json\`), so write-only attribute support is unknown. Fix: ${FIX}`,
    ],
  ];
  it.each(CASES)("%s", (_name, binary, out, expected) => {
    const p = engineProblem(binary, out);
    expect(p && formatProblem(p)).toBe(expected);
  });

  it("compares versions numerically, not as text", () => {
    expect(compareVersions("1.9.0", "1.11.0")).toBe(-1);
    expect(compareVersions("1.11.0", "1.11.0")).toBe(0);
    expect(parseEngineVersion("tofu", json("1.12.6"))).toEqual({ name: "OpenTofu", version: "1.12.6" });
  });

  it("npm run deploy refuses an old engine before synthesizing anything", () => {
    const dir = scratchDir();
    const fake = path.join(dir, "terraform");
    fs.writeFileSync(fake, `#!/bin/sh\necho '${json("1.10.5")}'\n`, { mode: 0o755 });
    const root = path.join(__dirname, "..", "..");
    const r = spawnSync(process.execPath, [path.join(root, "dist", "scripts", "cdktf.js"), "deploy", "--output", path.join(dir, "out")], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, TERRAFORM_BINARY_NAME: fake, AGGRIK8S_CONFIG: writeConfig(defaultInput()) },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`error: engine: Terraform 1.10.5 (${fake}) is older than 1.11.0`);
    expect(fs.existsSync(path.join(dir, "out"))).toBe(false);
  });
});
