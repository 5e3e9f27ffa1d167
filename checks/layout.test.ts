// Which way imports may point: policies read constructs, never the reverse;
// nothing outside the tests (and these checks) imports test code. A check of
// the files, run by npm run lint.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const root = path.join(__dirname, "..");
const tracked = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts", "*.js"], { cwd: root, encoding: "utf8" })
  .split("\n")
  .filter((f) => f && fs.existsSync(path.join(root, f)));
const imports = (file: string) =>
  [...fs.readFileSync(path.join(root, file), "utf8").matchAll(/(?:from |require\()["']([^"']+)["']/g)].map((m) =>
    path.normalize(path.join(path.dirname(file), m[1])),
  );

it("no production file imports from the tests", () => {
  const production = tracked.filter((f) => !f.startsWith("__tests__/") && !f.startsWith("checks/") && !f.startsWith(".gen/"));
  const offenders = production.filter((f) => imports(f).some((i) => i.startsWith("__tests__")));
  expect(offenders).toEqual([]);
});

it("no construct in lib/ imports a policy rule or the pack (only the runner that applies them does); they may acknowledge a rule", () => {
  const constructs = tracked.filter((f) => f.startsWith("lib/") && !f.startsWith("lib/aspects/"));
  const acknowledge = path.join("lib", "aspects", "acknowledge");
  const offenders = constructs.filter((f) => imports(f).some((i) => i.startsWith(path.join("lib", "aspects")) && i !== acknowledge));
  expect(offenders).toEqual([]);
  // The acknowledgement API itself reads no rule (constructs reach the rules through it otherwise).
  const own = [...fs.readFileSync(path.join(root, "lib/aspects/acknowledge.ts"), "utf8").matchAll(/from ["'](\.\/[^"']+)["']/g)].map((m) => m[1]);
  expect(own).toEqual(["./rule"]);
});

it("nothing the project ships knows about the proofs' harness (only tests may read proofs/)", () => {
  const shipped = tracked.filter((f) => !f.startsWith("__tests__/") && !f.startsWith("checks/") && !f.startsWith("proofs/"));
  const offenders = shipped.filter((f) => imports(f).some((i) => i.startsWith("proofs")));
  expect(offenders).toEqual([]);
});

it("the proofs live in proofs/, in TypeScript on the shared proofs/lib/proof.ts; scripts/ keeps the user's commands", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
  const proofScripts = Object.entries(pkg.scripts).filter(([name]) => name === "validate" || name.startsWith("proof:"));
  expect(proofScripts.map(([name]) => name).sort()).toEqual([
    "proof:apply",
    "proof:chart",
    "proof:guards",
    "proof:plan",
    "proof:state",
    "proof:talos",
    "validate",
  ]);
  // Each runs a file of proofs/: TypeScript compiled into dist/proofs/, or the state proof's bash (it drives PostgreSQL and MinIO).
  for (const [name, command] of proofScripts)
    expect({ name, command }).toEqual({ name, command: expect.stringMatching(/^(tsc -b && node dist\/proofs\/[a-z]+\.js|bash proofs\/state\.sh)$/) });
  const entries = tracked.filter((f) => /^proofs\/[^/]+\.ts$/.test(f));
  expect(entries.filter((f) => !imports(f).includes(path.join("proofs", "lib", "proof")))).toEqual([]);
  expect(tracked.filter((f) => /^scripts\/.*proof/.test(f))).toEqual([]);
});
