/**
 * ANYMMAP_BACKEND with a value it cannot have ("nativ"): the import works
 * in Node, Deno and Bun, and every call that relies on the variable throws
 * MmapError EINVAL naming it; calls that pass their own backend work.
 */
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const CLIENT = join(ROOT, "test/fixtures/backend-typo.mjs");
const RUNTIMES: Array<[string, string, string[]]> = [
  ["node", process.execPath, [CLIENT]],
  [
    "deno",
    join(ROOT, "node_modules/.bin/deno"),
    ["run", `--allow-read=${ROOT}`, "--allow-env=ANYMMAP_BACKEND,ANYMMAP_WASM_MEMORY", "--allow-ffi", CLIENT],
  ],
  ["bun", join(ROOT, "node_modules/.bin/bun"), [CLIENT]],
];

describe("ANYMMAP_BACKEND=nativ", () => {
  for (const [runtime, command, args] of RUNTIMES) {
    it(`${runtime}: the import works; calls relying on it throw MmapError EINVAL naming ANYMMAP_BACKEND; an explicit backend works`, () => {
      const r = spawnSync(command, [...args, join(ROOT, "dist", `${runtime}.js`)], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 60_000,
        env: { ...process.env, ANYMMAP_BACKEND: "nativ" },
      });
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout.trim().split("\n").pop()!);
      expect(out.imported).toBe(true);
      expect(["native", "wasm"]).toContain(out.backend);
      for (const call of ["mmapSync", "openSync", "info"]) {
        expect(out[call], call).toMatch(
          /^MmapError EINVAL: the environment variable ANYMMAP_BACKEND must be auto, native or wasm, got "nativ"/,
        );
      }
      expect(out.explicit).toBe("no error");
    });
  }
});
