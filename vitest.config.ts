import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Soak runs (npm run test:soak) are long: only when asked for.
    include: ["test/**/*.test.ts", "test/spec/**/*.spec.ts", ...(process.env.ANYMMAP_SOAK === "1" ? ["test/**/*.soak.ts"] : [])],
    environment: "node",
    // Child processes rather than worker threads: each test file runs in a
    // process of its own, so the 4 GiB wasm memories do not pile up in one.
    pool: "forks",
    testTimeout: 60_000,
    reporters: ["default"],
    coverage: { enabled: false },
  },
});
