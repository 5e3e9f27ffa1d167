/** Type-checking is `tsc --noEmit` in `npm test` (scripts/test.js); jest only transpiles. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  // The fixture configs are synthesized once per run (__tests__/fixtures.ts) into this run's cache.
  globalSetup: "<rootDir>/__tests__/global-setup.js",
  globalTeardown: "<rootDir>/__tests__/global-teardown.js",
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.js"],
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
