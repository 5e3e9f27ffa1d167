/** Type-checking is `tsc -b` in `npm test` (scripts/test.js, and jest's global setup); jest only transpiles. */
module.exports = {
  testEnvironment: "node",
  // Many tests spawn a script or an app; on a loaded 2-core machine one took longer than jest's 5 s default.
  // A hanging test still fails, after 30 s. (A worker per core was measured and not taken: docs/benchmark.md, round 8.)
  testTimeout: 30_000,
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  // Compiles the project into dist/ first (the tests that spawn a script run it from there), and
  // gives the run its cache: the fixture configs are synthesized once per run (__tests__/fixtures.ts).
  globalSetup: "<rootDir>/__tests__/global-setup.js",
  globalTeardown: "<rootDir>/__tests__/global-teardown.js",
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.js"],
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
