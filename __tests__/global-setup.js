// Before any test file:
// - compile the project into dist/ (tsc -b, as every TypeScript npm script
//   does first), so the tests that run a script or an app run its compiled
//   JavaScript as it is now (nothing to do when current);
// - one cache directory per jest run, for the fixture syntheses (fixtures.ts):
//   each fixture config is synthesized by the first test file that reads it
//   and read back by every other file of the run. Removed by global-teardown.js.
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");

module.exports = async () => {
  const root = path.join(__dirname, "..");
  const r = spawnSync(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-b"], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`tsc -b failed, so the compiled scripts the tests run would be stale:\n${r.stdout}${r.stderr}`);
  process.env.AGGRIK8S_FIXTURE_CACHE = fs.mkdtempSync(path.join(os.tmpdir(), "aggrik8s-fixtures-"));
};
