// One cache directory per jest run, for the fixture syntheses (fixtures.ts):
// each fixture config is synthesized by the first test file that reads it
// and read back by every other file of the run. Removed by global-teardown.js.
const fs = require("fs");
const os = require("os");
const path = require("path");

module.exports = async () => {
  process.env.AGGRIK8S_FIXTURE_CACHE = fs.mkdtempSync(path.join(os.tmpdir(), "aggrik8s-fixtures-"));
};
