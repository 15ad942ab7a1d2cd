/**
 * The differential corpus (test/c/*.c): every program compiled with gcc and
 * with `anymmap cc` must print the same bytes and exit the same way under
 * Linux and under `anymmap run` in Node, Deno and Bun.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";

import {
  build,
  coreObjects,
  firstDifference,
  missingTool,
  type Program,
  root,
  RUNTIMES,
  runNative,
  runWasm,
} from "./c/corpus.js";

const dir = path.join(root, "test", "c");
const sources = fs
  .readdirSync(dir)
  .filter((f) => /\.(c|cpp)$/.test(f))
  .sort();
const missing = missingTool();
// CI installs gcc and emcc; only a developer machine may lack them.
if (missing && process.env.CI) throw new Error(`the C corpus needs ${missing}`);
if (missing) console.warn(`C corpus skipped: ${missing} is missing`);

const identical: Record<string, number> = Object.fromEntries(RUNTIMES.map((r) => [r, 0]));
afterAll(() => {
  if (missing) return;
  console.log(
    `C corpus vs Linux (${sources.length} programs): ` +
      RUNTIMES.map((r) => `${r} ${identical[r]}/${sources.length} identical`).join(", "),
  );
});

// The core is linked into every program: its globals must not take names a program may use.
const PUBLIC = new Set(["mmap", "munmap", "msync", "mprotect", "mremap", "madvise", "posix_madvise", "mincore"]);
const nm = spawnSync("llvm-nm", ["--version"]).status === 0;
describe.skipIf(missing !== undefined)("the C core's names", () => {
  test.skipIf(!nm)(
    `define only the POSIX calls, anymmap_* and __anymmap_* (wasm/src/namespace.h)${nm ? "" : " (skipped: llvm-nm is missing)"}`,
    { timeout: 300_000 },
    () => {
      build(path.join(dir, "own_globals.c"));
      const objects = coreObjects();
      expect(objects.length).toBeGreaterThan(10);
      const r = spawnSync("llvm-nm", ["--defined-only", "--extern-only", ...objects], { encoding: "utf8" });
      const names = r.stdout
        .split("\n")
        .map((line) => line.split(" ")[2])
        .filter((name): name is string => name !== undefined && name !== "");
      expect(names.length).toBeGreaterThan(10);
      const stray = names.filter(
        (n) => !PUBLIC.has(n) && !/^(__)?anymmap_/.test(n) && n !== "emscripten_get_heap_size",
      );
      expect(stray).toEqual([]);
    },
  );
});

describe.skipIf(missing !== undefined)("C programs print what they print on Linux", () => {
  for (const source of sources) {
    describe(source, () => {
      let program: Program;
      let expected: string;
      test("compiles with gcc and anymmap cc; runs natively", { timeout: 300_000 }, () => {
        program = build(path.join(dir, source));
        expected = runNative(program);
        expect(expected).toMatch(/\[exit \d+\]\n$/);
      });
      for (const runtime of RUNTIMES) {
        test(`same output in ${runtime}`, { timeout: 300_000 }, () => {
          expect(program, "the build failed").toBeDefined();
          const actual = runWasm(program, runtime);
          expect(actual, firstDifference(actual, expected)).toBe(expected);
          identical[runtime]!++;
        });
      }
    });
  }
});
