/**
 * The differential corpus (test/c/*.c): every program compiled with gcc and
 * with `anymmap cc` must print the same bytes and exit the same way under
 * Linux and under `anymmap run` in Node, Deno and Bun.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";

import { build, firstDifference, missingTool, type Program, root, RUNTIMES, runNative, runWasm } from "./c/corpus.js";

const dir = path.join(root, "test", "c");
const sources = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".c"))
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
