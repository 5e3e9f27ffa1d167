// cdktf's jest matchers (toHaveResourceWithProperties, ...); every temporary
// folder a test file makes (cdktf's Testing.app() outdirs included) goes into
// one folder of its own, removed after the file, so tests leave nothing in the
// system's temp directory.
const fs = require("fs");
const os = require("os");
const path = require("path");

require("cdktf").Testing.setupJest();

// jest maps every stack trace formatted in a test through source-map-support,
// which reads and applies the inline source map of each file on the stack.
// cdktf captures and formats a full stack trace for every token it creates
// (into a plain object, not an Error: it shows one only when that token fails
// to resolve), thousands per synthesis, and that mapping was about half the
// CPU time of the stack tests (docs/benchmark.md, round 8). Stacks captured
// into anything that is not an Error get V8's own format (compiled-file
// positions); every Error, and so every failing test, is still mapped.
// Spawned processes (the scripts, the apps) are plain node and never mapped.
{
  const mapped = Error.prepareStackTrace;
  if (typeof mapped === "function") {
    Error.prepareStackTrace = (target, frames) =>
      target instanceof Error ? mapped(target, frames) : [String(target), ...frames.map((f) => `    at ${f}`)].join("\n");
  }
}
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
