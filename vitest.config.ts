import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "node",
    // Child processes rather than worker threads: each test file runs in a
    // process of its own, so the 4 GiB wasm memories do not pile up in one.
    pool: "forks",
    testTimeout: 60_000,
    reporters: ["default"],
    coverage: { enabled: false },
    // Every test on the WASM engine, the spec suite again on its shared-memory
    // build, then the spec suite (and the durability and soak runs) on the
    // kernel's mmap (the N-API addon): ANYMMAP_BACKEND picks the default
    // backend, ANYMMAP_WASM_MEMORY the build.
    projects: [
      {
        extends: true,
        test: {
          name: "wasm",
          // Soak runs (npm run test:soak) are long: only when asked for.
          include: [
            "test/**/*.test.ts",
            "test/spec/**/*.spec.ts",
            ...(process.env.ANYMMAP_SOAK === "1" ? ["test/**/*.soak.ts"] : []),
          ],
          env: { ANYMMAP_BACKEND: "wasm" },
        },
      },
      {
        extends: true,
        test: {
          // The spec suite on the second build, anymmap-shared.wasm (a shared WebAssembly.Memory): the same engine.
          name: "wasm-shared",
          include: ["test/spec/**/*.spec.ts"],
          env: { ANYMMAP_BACKEND: "wasm", ANYMMAP_WASM_MEMORY: "shared" },
        },
      },
      {
        extends: true,
        test: {
          name: "native",
          // The spec suite, the model's regressions, the SIGKILL durability rounds and (npm run test:soak) the model soak, on the kernel's mmap.
          include: [
            "test/spec/**/*.spec.ts",
            "test/model-regressions.test.ts",
            "test/durability.test.ts",
            ...(process.env.ANYMMAP_SOAK === "1" ? ["test/model.soak.ts"] : []),
          ],
          env: { ANYMMAP_BACKEND: "native" },
        },
      },
    ],
  },
});
