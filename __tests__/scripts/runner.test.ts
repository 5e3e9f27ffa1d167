// One plain way to run the project's TypeScript: tsc compiles it into dist/
// (`tsc -b`, incremental), and plain node runs the compiled JavaScript. No
// loader, no bundle, nothing that rewrites a package's code.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import pkg from "../../package.json";
import { scratchDir } from "../helpers";

const root = path.join(__dirname, "..", "..");
const cdktfJson = JSON.parse(fs.readFileSync(path.join(root, "cdktf.json"), "utf8")) as { app: string };

it("cdktf.json's app compiles, then runs npm run synth's JavaScript (main.ts behind the shared command line) with plain node", () => {
  // A cdktf CLI installed globally runs the app with the user's PATH, which
  // lacks node_modules/.bin: the project's own tsc, by path.
  expect(cdktfJson.app).toBe("node node_modules/typescript/bin/tsc -b && node dist/scripts/synth.js");
  expect(cdktfJson.app).toBe(pkg.scripts.synth.replace(/^tsc -b/, "node node_modules/typescript/bin/tsc -b"));
});

it("cdktf.json's app runs without node_modules/.bin on the PATH (a global cdktf CLI)", () => {
  const bin = path.join(root, "node_modules", ".bin");
  const PATH = (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter((d) => path.resolve(d) !== bin)
    .join(path.delimiter);
  const r = spawnSync("sh", ["-c", cdktfJson.app.replace(/ && .*$/, "")], { cwd: root, env: { ...process.env, PATH }, encoding: "utf8" });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
});

describe.each(Object.entries(pkg.scripts))("npm run %s", (name, command) => {
  it("runs a JavaScript file of the repository with node, a shell script with bash, or compiles first and runs a TypeScript file's JavaScript with node", () => {
    const ts = /^tsc -b && node dist\/(\S+)\.js(?: [a-z]+)?$/.exec(command);
    const plain = /^(node|bash) (\S+\.(?:js|sh))$/.exec(command);
    expect({ name, command, shape: Boolean(ts || plain) }).toEqual({ name, command, shape: true });
    const source = ts ? `${ts[1]}.ts` : plain![2];
    expect({ name, source, exists: fs.existsSync(path.join(root, source)) }).toEqual({ name, source, exists: true });
  });
});

it("no file patches or imports a private module of cdktf (cdktf/lib/...)", () => {
  const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts", "*.js", "*.sh", "*.json"], {
    cwd: root,
    encoding: "utf8",
  })
    .split("\n")
    .filter((f) => /^(main\.ts|lib|stacks|tools|scripts|proofs|integration|bench)\b/.test(f) && fs.existsSync(path.join(root, f)));
  const offenders = files.filter((f) => fs.readFileSync(path.join(root, f), "utf8").includes("cdktf/lib/"));
  expect(offenders).toEqual([]);
  expect(files).toContain("scripts/cdktf.ts");
});

it("the compiled entry gets its own arguments, as if node ran the source", () => {
  const r = spawnSync(process.execPath, [path.join(root, "dist", "scripts", "graph.js"), "--no-such-flag"], { cwd: root, encoding: "utf8" });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain("graph: Unknown option '--no-such-flag'");
});

// cdktf captures a stack trace for every token it creates and prints it when the token fails to resolve.
it("a token that cannot resolve shows cdktf's own creation stack; with source maps, down to the .ts line that made it", () => {
  const { AGGRIK8S_TOKEN_STACKS: _, ...inherited } = process.env;
  const r = spawnSync(process.execPath, ["--enable-source-maps", path.join(root, "dist", "integration", "token-error-app.js")], {
    cwd: root,
    encoding: "utf8",
    env: { ...inherited, CDKTF_OUTDIR: scratchDir() },
  });
  expect(r.status).not.toBe(0);
  expect(r.stderr).toContain("Resolution error: this token cannot resolve.");
  const creation = r.stderr.slice(r.stderr.indexOf("Object creation stack:"));
  // Line 8 of the fixture calls Lazy.stringValue.
  expect(creation).toMatch(/\n {2}at Function\.stringValue \(.*lazy\.ts:\d+:\d+\)\n {2}at .*integration[\\/]token-error-app\.ts:8:\d+\)/);
});
