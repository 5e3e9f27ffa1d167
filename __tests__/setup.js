// cdktf's jest matchers (toHaveResourceWithProperties, ...); every temporary
// folder a test file makes (cdktf's Testing.app() outdirs included) goes into
// one folder of its own, removed after the file, so tests leave nothing in the
// system's temp directory.
const fs = require("fs");
const os = require("os");
const path = require("path");

require("cdktf").Testing.setupJest();
const systemTmp = os.tmpdir();
const ours = fs.mkdtempSync(path.join(systemTmp, "aggrik8s-jest-"));
os.tmpdir = () => ours;
afterAll(() => {
  require("./helpers").removeScratchDirs();
  os.tmpdir = () => systemTmp;
  fs.rmSync(ours, { recursive: true, force: true });
});
// Hermetic: a child process a test starts with the test's environment gets
// the embedded demo mesh (AGGRIK8S_CONFIG set to empty) unless the test names
// a config, whatever the shell exports and whatever ./aggrik8s.yaml (.yml,
// .json) the checkout holds.
process.env.AGGRIK8S_CONFIG = "";
