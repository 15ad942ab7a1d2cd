/**
 * Real software over anymmap: SQLite's amalgamation (shipped by the
 * better-sqlite3 package, whose native build is never run) compiled with
 * gcc and with `anymmap cc`, running test/sqlite/workload.c with
 * `PRAGMA mmap_size` at 1 GiB: the pager reads through mmap and writes with
 * pwrite. The output must be the native build's in Node, Deno and Bun.
 * Both builds are cached in .tmp/c-corpus.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";

import { build, missingTool, type Program, root, RUNTIMES, runNative, runWasm } from "./c/corpus.js";

const sqliteDir = path.join(root, "node_modules", "better-sqlite3", "deps", "sqlite3");
const missing =
  missingTool() ?? (fs.existsSync(path.join(sqliteDir, "sqlite3.c")) ? undefined : "better-sqlite3 (npm install)");
if (missing && process.env.CI) throw new Error(`the SQLite test needs ${missing}`);

// Emscripten does not define __linux__, for which SQLite enables mmap by
// default; THREADSAFE=0 because WASI has no threads (natively the same).
const CFLAGS = [
  "-DSQLITE_THREADSAFE=0",
  "-DSQLITE_OMIT_LOAD_EXTENSION",
  "-DSQLITE_MAX_MMAP_SIZE=0x7fff0000",
  "-I",
  sqliteDir,
];

describe.skipIf(missing !== undefined)("SQLite with PRAGMA mmap_size", () => {
  let program: Program;
  let expected: string;
  test("builds natively and with anymmap cc; the native run passes integrity_check", { timeout: 900_000 }, () => {
    const source = path.join(root, "test", "sqlite", "workload.c");
    program = build(source, { extraSources: [path.join(sqliteDir, "sqlite3.c")], cflags: CFLAGS, ldflags: ["-lm"] });
    program.runs = [["@DIR@/test.db"]];
    expected = runNative(program);
    expect(expected).toContain("mmap_size: 1 rows");
    expect(expected).toMatch(/^1073741824$/m);
    expect(expected).toMatch(/^100000\|/m);
    expect(expected.match(/^ok$/gm)).toHaveLength(2);
    expect(expected).toMatch(/\[exit 0\]\n$/);
  });
  for (const runtime of RUNTIMES) {
    test(`same results in ${runtime}`, { timeout: 300_000 }, () => {
      expect(program, "the build failed").toBeDefined();
      expect(runWasm(program, runtime)).toBe(expected);
    });
  }
});
