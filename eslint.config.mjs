// Lint for the project's own code (generated bindings excluded): typescript-eslint's
// recommended rules, with formatting left to prettier (`npm run lint` runs both).
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: [".gen/**", "node_modules/**", "cdktf.out/**", "dist/**", "coverage/**", "proofs/talos-check/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        require: "readonly",
        module: "writable",
        process: "readonly",
        console: "readonly",
        __dirname: "readonly",
        __filename: "readonly",
        Buffer: "readonly",
      },
    },
    rules: {
      // The JS scripts load modules with require (toolchain, cli).
      "@typescript-eslint/no-require-imports": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["__tests__/setup.js"],
    languageOptions: { globals: { afterAll: "readonly" } },
  },
  {
    // Tests read synthesized JSON, whose shape is the engine's, not ours.
    files: ["__tests__/**/*.ts", "checks/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  prettier,
);
