// Every npm script shares one command-line shape: --help prints its usage
// and exits 0; an unknown flag prints the usage and exits 2.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import pkg from "../package.json";
import { scratchDir } from "./helpers";

const root = path.join(__dirname, "..");
const run = (script: string, arg: string) => spawnSync("sh", ["-c", `${pkg.scripts[script as keyof typeof pkg.scripts]} ${arg}`], { cwd: root, encoding: "utf8", env: { ...process.env, AGGRIK8S_CONFIG: "" } });

describe.each(Object.keys(pkg.scripts))("npm run %s", (script) => {
  it("answers --help with its usage", () => {
    const r = run(script, "--help");
    expect({ script, status: r.status, usage: r.stdout.split("\n")[0] }).toEqual({ script, status: 0, usage: expect.stringMatching(new RegExp(`^usage: npm run ${script} --`)) });
  });

  it("refuses an unknown flag with exit 2 and the usage", () => {
    const r = run(script, "--no-such-flag");
    expect({ script, status: r.status }).toEqual({ script, status: 2 });
    expect(r.stderr).toContain(`usage: npm run ${script} --`);
    expect(r.stderr).toContain("--no-such-flag");
  });
});

describe("which config a command uses", () => {
  const tool = (cwd: string, entry: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    const clean = { ...process.env, ...env };
    delete clean.AGGRIK8S_CONFIG;
    for (const k of ["PROXMOX_VE_API_TOKEN", "HONEYCOMB_API_KEY", "ROBUSTA_SIGNING_KEY", "ROBUSTA_ACCOUNT_ID", "ROBUSTA_UI_SINK_TOKEN", "GROUNDCOVER_TOKEN"]) delete clean[k];
    return spawnSync(process.execPath, [path.join(root, "scripts", "run-ts.js"), path.join(root, "scripts", entry), ...args], { cwd, encoding: "utf8", env: clean });
  };

  it("deploy refuses the embedded demo mesh and says how to start your own", () => {
    const dir = scratchDir();
    const r = tool(dir, "cdktf.ts", ["deploy"]);
    expect(r.status).toBe(1);
    expect(r.stderr.split("\n").slice(0, 2)).toEqual([
      "config: the embedded demo mesh (no AGGRIK8S_CONFIG, no ./aggrik8s.yaml: npm run init writes one)",
      "error: deploy refuses the embedded demo mesh: its Proxmox endpoint and addresses are examples. Fix: npm run init writes ./aggrik8s.yaml to edit (or set AGGRIK8S_CONFIG to your config file)",
    ]);
  });

  it("npm run init writes ./aggrik8s.yaml, which deploy then uses, getting past the config step", () => {
    const dir = scratchDir();
    const init = tool(dir, "init.ts", []);
    expect(init.status).toBe(0);
    const written = fs.readFileSync(path.join(dir, "aggrik8s.yaml"), "utf8");
    expect(written.split("\n")[0]).toBe(`# yaml-language-server: $schema=${path.relative(dir, path.join(root, "config.schema.json"))}`);
    expect(tool(dir, "init.ts", []).status).toBe(1);
    const deploy = tool(dir, "cdktf.ts", ["deploy"]);
    expect(deploy.stderr.split("\n").slice(0, 2)).toEqual([
      `config: ${path.join(dir, "aggrik8s.yaml")} (./aggrik8s.yaml; AGGRIK8S_CONFIG is unset)`,
      "error: secrets the stacks need are not set: PROXMOX_VE_API_TOKEN, GROUNDCOVER_TOKEN, HONEYCOMB_API_KEY, ROBUSTA_ACCOUNT_ID, ROBUSTA_SIGNING_KEY, ROBUSTA_UI_SINK_TOKEN. Fix: export them before deploy.",
    ]);
    expect(deploy.status).toBe(1);
  });
});
