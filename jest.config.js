/** @type {import("jest").Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>"],
  testMatch: ["**/__tests__/**/*.test.ts"],
  // Type checking is done once by `tsc --noEmit` in `npm test`; here each file
  // is only transpiled, which keeps the provider typings out of every worker.
  transform: { "^.+\\.tsx?$": ["ts-jest", { diagnostics: false }] },
  moduleFileExtensions: ["ts", "tsx", "js", "jsx", "json", "node"],
  testPathIgnorePatterns: ["/node_modules/", "/cdktf.out/"],
  setupFilesAfterEnv: ["<rootDir>/test-support/setup.js"],
  testTimeout: 120000,
};
