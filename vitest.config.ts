import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["*/test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    // Two cores: keep parallelism modest so federation tests with real sockets stay stable.
    maxWorkers: 2,
    testTimeout: 20_000,
  },
});
