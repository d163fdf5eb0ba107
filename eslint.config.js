// ESLint flat config: TypeScript rules, no console output, no focused or
// skipped tests, at most one blank line in a row. Prettier owns formatting.
const js = require("@eslint/js");
const tseslint = require("typescript-eslint");
const jest = require("eslint-plugin-jest");

module.exports = tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", "terraform-state/", "**/*.js", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "no-console": "error",
      "no-multiple-empty-lines": ["error", { max: 1 }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-new": "off",
    },
  },
  {
    files: ["__tests__/**/*.ts", "test-support/**/*.ts"],
    ...jest.configs["flat/recommended"],
    rules: {
      ...jest.configs["flat/recommended"].rules,
      "jest/no-focused-tests": "error",
      "jest/no-disabled-tests": "error",
      "jest/expect-expect": "off",
    },
  },
);
