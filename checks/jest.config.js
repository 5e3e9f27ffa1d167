/**
 * The repository checks `npm run lint` runs (not `npm test`): the docs say
 * what the code does and are current, the README's shape, the import layout,
 * Renovate's view of versions.json. They check text and files, not behaviour.
 */
module.exports = {
  rootDir: "..",
  testEnvironment: "node",
  roots: ["<rootDir>/checks"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.js"],
};
