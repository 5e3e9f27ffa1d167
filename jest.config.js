/** Type-checking is `tsc --noEmit` in `npm test` (scripts/test.js); jest only transpiles. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.js"],
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
