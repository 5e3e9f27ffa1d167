// npm run deploy's node-removal check reads each Talos stack's state with the engine's `state list`: a failure other
// than "no state yet" must stop the deploy with an error naming the stack, the engine's words and the fix, never pass.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { StateError } from "../../lib/errors";
import { TalosStack } from "../../stacks/talos-stack";
import { StateListOf, stateListAddresses } from "../../tools/node-removal";
import { defaultInput, scratchDir, writeConfig } from "../helpers";

const OF: StateListOf = { stack: "talos-east-talos", engine: "/usr/bin/tofu", dir: "/srv/mesh/cdktf.out/stacks/talos-east-talos", backend: "pg" };
const fix = (readable: string) =>
  `Fix: make the state readable (${readable}; with OpenTofu, AGGRIK8S_STATE_PASSPHRASE the passphrase it was written with), check with \`/usr/bin/tofu state list\` in /srv/mesh/cdktf.out/stacks/talos-east-talos, then deploy again`;
const ESC = "\u001b";
/** OpenTofu's human diagnostic, coloured, as `state list` prints it to stderr. */
const diagnostic = (summary: string, ...detail: string[]) =>
  [
    `${ESC}[31m╷${ESC}[0m${ESC}[0m`,
    `${ESC}[31m│${ESC}[0m ${ESC}[0m${ESC}[1m${ESC}[31mError: ${ESC}[0m${ESC}[0m${ESC}[1m${summary}${ESC}[0m`,
    `${ESC}[31m│${ESC}[0m ${ESC}[0m`,
    ...detail.map((d) => `${ESC}[31m│${ESC}[0m ${ESC}[0m${d}`),
    `${ESC}[31m╵${ESC}[0m${ESC}[0m`,
    "",
  ].join("\n");

function thrown(of: StateListOf, run: Parameters<typeof stateListAddresses>[1]): Error {
  try {
    stateListAddresses(of, run);
  } catch (e) {
    return e as Error;
  }
  throw new Error("stateListAddresses did not throw");
}

describe("the node-removal check's state read: errors", () => {
  it("a pg backend it cannot log in to: the stack, the engine's words (password masked) and the fix", () => {
    const e = thrown(OF, {
      status: 1,
      stdout: "",
      stderr: diagnostic(
        'Failed to get existing workspaces: pq: password authentication failed for user "aggrik8s"',
        "(connecting to postgres://aggrik8s:hunter2-very-secret@db.lan/aggrik8s)",
      ),
    });
    expect(e).toBeInstanceOf(StateError);
    expect(e.message).toBe(
      `talos-east-talos: its state could not be read to check for nodes removed in one step: \`/usr/bin/tofu state list\` exited 1: Error: Failed to get existing workspaces: pq: password authentication failed for user "aggrik8s" (connecting to postgres://aggrik8s:****@db.lan/aggrik8s). ${fix("PostgreSQL reachable at state.connStr with PGPASSWORD set")}`,
    );
  });

  it("an s3 bucket that does not exist", () => {
    const e = thrown(
      { ...OF, backend: "s3" },
      { status: 1, stdout: "", stderr: diagnostic('Failed to get existing workspaces: S3 bucket "mesh-state" does not exist.') },
    );
    expect(e.message).toBe(
      `talos-east-talos: its state could not be read to check for nodes removed in one step: \`/usr/bin/tofu state list\` exited 1: Error: Failed to get existing workspaces: S3 bucket "mesh-state" does not exist. ${fix("the bucket reachable with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY set")}`,
    );
  });

  it("a local state OpenTofu cannot decrypt (the passphrase changed)", () => {
    const e = thrown(
      { ...OF, backend: "local" },
      { status: 1, stdout: "", stderr: diagnostic("Error refreshing the state", "Failed to load state: decryption failed for all provided methods") },
    );
    expect(e.message).toBe(
      `talos-east-talos: its state could not be read to check for nodes removed in one step: \`/usr/bin/tofu state list\` exited 1: Error: Error refreshing the state Failed to load state: decryption failed for all provided methods. ${fix("its state file under state.dir readable")}`,
    );
  });

  it("an http state server, an exit with no output, an engine that cannot start, one killed", () => {
    const head = "talos-east-talos: its state could not be read to check for nodes removed in one step: `/usr/bin/tofu state list`";
    const http = fix("the state server reachable with TF_HTTP_PASSWORD set");
    expect(thrown({ ...OF, backend: "http" }, { status: 1, stdout: "", stderr: "" }).message).toBe(`${head} exited 1 and printed nothing. ${http}`);
    expect(thrown(OF, { status: null, stdout: "", stderr: "", error: new Error("spawnSync /usr/bin/tofu ENOENT") }).message).toBe(
      `${head} could not be run (spawnSync /usr/bin/tofu ENOENT). ${fix("PostgreSQL reachable at state.connStr with PGPASSWORD set")}`,
    );
    expect(thrown(OF, { status: null, stdout: "", stderr: "", signal: "SIGKILL" }).message).toBe(
      `${head} was stopped by SIGKILL. ${fix("PostgreSQL reachable at state.connStr with PGPASSWORD set")}`,
    );
  });

  it('is an error, not "no state", when the no-state sentence comes with another exit code', () => {
    expect(() => stateListAddresses(OF, { status: 2, stdout: "", stderr: diagnostic("No state file was found") })).toThrow(StateError);
  });
});

describe("npm run deploy stops on a Talos stack whose state it cannot read, before anything is applied", () => {
  const root = path.join(__dirname, "..", "..");
  /**
   * An engine standing in for tofu: `state list` answers from <answers>/<stack>.{status,stdout,stderr}
   * (written by the test, from the engines' real texts), every call is logged, anything that would apply fails.
   */
  function deploy(answers: Record<string, { status: number; stdout?: string; stderr?: string }>) {
    const dir = scratchDir();
    const fake = path.join(dir, "tofu");
    fs.mkdirSync(path.join(dir, "answers"));
    for (const [stack, a] of Object.entries(answers)) {
      fs.writeFileSync(path.join(dir, "answers", `${stack}.status`), String(a.status));
      fs.writeFileSync(path.join(dir, "answers", `${stack}.stdout`), a.stdout ?? "");
      fs.writeFileSync(path.join(dir, "answers", `${stack}.stderr`), a.stderr ?? "");
    }
    fs.writeFileSync(
      fake,
      [
        "#!/bin/sh",
        `A=${dir}/answers; S=$(basename "$PWD"); echo "$S $*" >> ${dir}/calls`,
        'case "$1" in',
        `  version) echo '{"terraform_version":"1.12.6","platform":"linux_amd64"}' ;;`,
        "  init) mkdir -p .terraform; : > .terraform.lock.hcl ;;",
        '  state) cat "$A/$S.stdout"; cat "$A/$S.stderr" >&2; exit "$(cat "$A/$S.status")" ;;',
        "  *) exit 3 ;;",
        "esac",
        "",
      ].join("\n"),
      { mode: 0o755 },
    );
    const mesh = defaultInput();
    mesh.state = { backend: "pg", connStr: "postgres://aggrik8s@db.lan/aggrik8s" };
    const r = spawnSync(process.execPath, [path.join(root, "dist", "scripts", "cdktf.js"), "deploy", "--skip-preflight", "--output", path.join(dir, "out")], {
      cwd: root,
      encoding: "utf8",
      env: {
        ...process.env,
        TERRAFORM_BINARY_NAME: fake,
        AGGRIK8S_CONFIG: writeConfig(mesh),
        AGGRIK8S_STATE_PASSPHRASE: "a test passphrase, long enough",
        PGPASSWORD: "unused",
        PROXMOX_VE_API_TOKEN: "root@pam!test=00000000-0000-0000-0000-000000000000",
      },
    });
    const calls = fs.readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n");
    return { ...r, fake, dir, calls };
  }

  it("a pg backend that refuses the login: the error names the stack and the fix, the password masked", () => {
    const r = deploy({
      "talos-east-talos": {
        status: 1,
        stderr:
          'Error: Failed to get existing workspaces: pq: password authentication failed for user "aggrik8s" (postgres://aggrik8s:hunter2-secret@db.lan/aggrik8s)\n',
      },
      "talos-west-talos": { status: 1, stderr: "No state file was found!\n" },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).not.toContain("hunter2");
    expect(r.stderr.trim().split("\n").at(-1)).toBe(
      `error: deploy: talos-east-talos: its state could not be read to check for nodes removed in one step: \`${r.fake} state list\` exited 1: Error: Failed to get existing workspaces: pq: password authentication failed for user "aggrik8s" (postgres://aggrik8s:****@db.lan/aggrik8s). Fix: make the state readable (PostgreSQL reachable at state.connStr with PGPASSWORD set; with OpenTofu, AGGRIK8S_STATE_PASSPHRASE the passphrase it was written with), check with \`${r.fake} state list\` in ${path.join(r.dir, "out", "stacks", "talos-east-talos")}, then deploy again`,
    );
    expect(r.calls.filter((c) => !/ (version|init|state list)/.test(c))).toEqual([]);
  });

  it("a Talos stack with no state yet passes; the other stack's one-step removal is still refused", () => {
    const removed = TalosStack.machineAddress("talos-east-talos", "talos-east-w-9");
    const r = deploy({
      "talos-east-talos": { status: 0, stdout: `${removed}\n` },
      "talos-west-talos": { status: 1, stderr: "No state file was found!\n" },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("error: talos-east-w-9: its VM (talos-east-vms) and its Talos node (talos-east-talos) are removed in one deploy;");
    expect(r.stderr.trim().split("\n").at(-1)).toBe("deploy: refused before anything was applied (1 node removed in one step)");
    expect(r.calls).toEqual(expect.arrayContaining(["talos-east-talos state list", "talos-west-talos state list"]));
    expect(r.calls.filter((c) => !/ (version|init|state list)/.test(c))).toEqual([]);
  });
});
