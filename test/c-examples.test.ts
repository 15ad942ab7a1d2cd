/**
 * examples/c: the seeds' programs. Each is compiled with gcc and with
 * `anymmap cc`; the native twin's output is committed next to it
 * (NAME.expected) and every runtime must print exactly that.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";

import { build, missingTool, type Program, root, RUNTIMES, runNative, runWasm } from "./c/corpus.js";

const dir = path.join(root, "examples", "c");
const sources = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".c"))
  .sort();
const missing = missingTool();
if (missing && process.env.CI) throw new Error(`the C examples need ${missing}`);

describe.skipIf(missing !== undefined)("examples/c run as on Linux", () => {
  for (const source of sources) {
    describe(source, () => {
      let program: Program;
      const expected = fs.readFileSync(path.join(dir, source.replace(/\.c$/, ".expected")), "utf8");
      test("the native twin prints NAME.expected", { timeout: 300_000 }, () => {
        program = build(path.join(dir, source));
        expect(runNative(program)).toBe(expected);
      });
      for (const runtime of RUNTIMES) {
        test(`same output in ${runtime}`, { timeout: 300_000 }, () => {
          expect(program, "the build failed").toBeDefined();
          expect(runWasm(program, runtime)).toBe(expected);
        });
      }
    });
  }
});
