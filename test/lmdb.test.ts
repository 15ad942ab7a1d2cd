/**
 * Real software over anymmap: LMDB (a memory-mapped B+tree database), as
 * the `lmdb` npm package vendors it (dependencies/lmdb/libraries/liblmdb,
 * fetched with `npm pack` into .tmp/, never committed). Its own test
 * programs mtest.c ... mtest5.c and mdb_stat, unchanged, built with gcc and
 * with `anymmap cc`, run as its Makefile's `test` target does (a fresh
 * ./testdb, the test, then `mdb_stat testdb`) and must print the same and
 * exit the same under Linux and under `anymmap run` in Node, Deno and Bun,
 * and in Chromium's worker runner (the same runs, test/browser/c-worker.ts).
 *
 * test/lmdb/deterministic.c is linked into both builds: the tests seed
 * rand() with time(NULL) and glibc's and musl's rand() differ. mtest.c
 * prints record addresses (%p), which are replaced by ADDR in both.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";

import { missingChromium, sessionsInChromium } from "./browser/c-worker.js";
import { missingTool, root, RUNTIMES, type Runtime } from "./c/corpus.js";

const LMDB_PACKAGE = "lmdb@3.4.4";
const work = path.join(root, ".tmp", "lmdb");
const sourceDir = path.join(work, "package", "dependencies", "lmdb", "libraries", "liblmdb");
const TESTS = ["mtest", "mtest2", "mtest3", "mtest4", "mtest5"];
const bin = path.join(root, "bin", "anymmap.js");

/** The LMDB sources from the npm registry, once; undefined or why not. */
function fetchLmdb(): string | undefined {
  if (fs.existsSync(path.join(sourceDir, "mdb.c"))) return undefined;
  fs.mkdirSync(work, { recursive: true });
  const pack = spawnSync("npm", ["pack", LMDB_PACKAGE, "--silent"], { cwd: work, encoding: "utf8", timeout: 120_000 });
  const tarball = pack.stdout?.trim().split("\n").pop();
  if (pack.status !== 0 || !tarball) return `npm pack ${LMDB_PACKAGE} failed: ${pack.stderr ?? pack.error}`;
  const untar = spawnSync("tar", ["xzf", tarball, "package/dependencies/lmdb/libraries/liblmdb"], {
    cwd: work,
    encoding: "utf8",
  });
  if (untar.status !== 0) return `cannot unpack ${tarball}: ${untar.stderr}`;
  return undefined;
}

const missing = missingTool() ?? fetchLmdb();
if (missing && process.env.CI) throw new Error(`the LMDB test needs ${missing}`);
const noChromium = missingChromium();
if (noChromium && process.env.CI) throw new Error(`the LMDB test in Chromium needs ${noChromium}`);

function check(r: ReturnType<typeof spawnSync>, what: string): void {
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${what} failed (${r.status}):\n${r.stderr?.toString()}`);
}

/** Builds every program natively and with anymmap cc, the library once each way. */
function buildAll(): { native: string; wasm: string } {
  // Rebuilt when anymmap's C tree or the shim changes.
  const hash = createHash("sha256");
  for (const dir of ["wasm/src", "wasm/posix", "wasm/include"])
    for (const f of fs.readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" }).sort()) {
      const full = path.join(root, dir, f);
      if (fs.statSync(full).isFile()) hash.update(f).update(fs.readFileSync(full));
    }
  hash.update(fs.readFileSync(path.join(root, "test", "lmdb", "deterministic.c")));
  const out = path.join(work, `build-${hash.digest("hex").slice(0, 16)}`);
  const native = path.join(out, "native");
  const wasm = path.join(out, "wasm");
  if (fs.existsSync(path.join(out, "complete"))) return { native, wasm };
  fs.mkdirSync(native, { recursive: true });
  fs.mkdirSync(wasm, { recursive: true });
  const env = { ...process.env, ANYMMAP_CACHE: path.join(root, ".tmp", "c-corpus", "core") };
  const shim = path.join(root, "test", "lmdb", "deterministic.c");
  const library = ["mdb", "midl"];
  for (const name of [...library, "module", "deterministic"]) {
    const src = name === "deterministic" ? shim : path.join(sourceDir, `${name}.c`);
    if (fs.existsSync(path.join(native, `${name}.o`)) && fs.existsSync(path.join(wasm, `${name}.o`))) continue;
    check(spawnSync("gcc", ["-O2", "-pthread", "-c", src, "-o", path.join(native, `${name}.o`)]), `gcc ${name}`);
    check(
      spawnSync(process.execPath, [bin, "cc", "-O2", "-c", src, "-o", path.join(wasm, `${name}.o`)], { env }),
      `anymmap cc ${name}`,
    );
  }
  const objects = (dir: string) => [...library, "deterministic"].map((n) => path.join(dir, `${n}.o`));
  // As the Makefile links them: the tools also get module.o (plug-ins, dlopen) and -ldl.
  for (const program of [...TESTS, "mdb_stat"]) {
    const src = path.join(sourceDir, `${program}.c`);
    const tool = program === "mdb_stat";
    const nativeObjects = [...objects(native), ...(tool ? [path.join(native, "module.o"), "-ldl"] : [])];
    const wasmObjects = [...objects(wasm), ...(tool ? [path.join(wasm, "module.o")] : [])];
    check(
      spawnSync("gcc", ["-O2", "-pthread", "-o", path.join(native, program), src, ...nativeObjects]),
      `gcc ${program}`,
    );
    check(
      spawnSync(process.execPath, [bin, "cc", "-O2", "-o", path.join(wasm, `${program}.wasm`), src, ...wasmObjects], {
        env,
      }),
      `anymmap cc ${program}`,
    );
  }
  fs.writeFileSync(path.join(out, "complete"), "");
  return { native, wasm };
}

type Run = (program: string, args: string[], dir: string) => ReturnType<typeof spawnSync>;

/** The Makefile's `test` target for one program, in a fresh directory: its output and exit statuses. */
function transcript(program: string, run: Run): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `lmdb-${program}-`));
  fs.mkdirSync(path.join(dir, "testdb"));
  let out = "";
  for (const [p, args] of [
    [program, []],
    ["mdb_stat", ["testdb"]],
  ] as const) {
    const r = run(p, [...args], dir);
    if (r.error) throw r.error;
    out += `$ ${p} ${args.join(" ")}\n${r.stdout.toString()}`;
    if (r.stderr.length > 0) out += `[stderr] ${r.stderr.toString()}`;
    out += `[exit ${r.status ?? r.signal}]\n`;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return out.replace(/0x[0-9a-f]+/g, "ADDR");
}

const spawnOptions = { maxBuffer: 64 << 20, timeout: 300_000 };

function wasmRunner(wasmDir: string, runtime: Runtime): Run {
  return (program, args, dir) => {
    const tail = ["--dir", `${dir}:.`, path.join(wasmDir, `${program}.wasm`), ...args];
    switch (runtime) {
      case "node":
        return spawnSync(process.execPath, [bin, "run", ...tail], spawnOptions);
      case "deno":
        return spawnSync(
          path.join(root, "node_modules", ".bin", "deno"),
          [
            "run",
            `--allow-read=${root},${dir}`,
            `--allow-write=${dir}`,
            path.join(root, "dist", "run-deno.js"),
            ...tail,
          ],
          spawnOptions,
        );
      case "bun":
        return spawnSync(
          path.join(root, "node_modules", ".bin", "bun"),
          [path.join(root, "dist", "run-bun.js"), ...tail],
          spawnOptions,
        );
    }
  };
}

describe.skipIf(missing !== undefined)(`LMDB's own tests (${LMDB_PACKAGE}) as on Linux`, () => {
  let builds: { native: string; wasm: string };
  const expected: Record<string, string> = {};
  test("builds natively and with anymmap cc; the native tests pass", { timeout: 900_000 }, () => {
    builds = buildAll();
    for (const program of TESTS) {
      expected[program] = transcript(program, (p, args, dir) =>
        spawnSync(path.join(builds.native, p), args, { cwd: dir, ...spawnOptions }),
      );
      expect(expected[program]).not.toContain("[exit 1]");
      expect(expected[program]).toMatch(/Status of Main DB/);
    }
  });
  for (const runtime of RUNTIMES) {
    test(`same output in ${runtime}`, { timeout: 600_000 }, () => {
      expect(builds, "the build failed").toBeDefined();
      for (const program of TESTS)
        expect(transcript(program, wasmRunner(builds.wasm, runtime)), program).toBe(expected[program]);
    });
  }
  const chromium = sessionsInChromium([path.relative(root, work)]);
  afterAll(() => chromium.close(), 60_000);
  test.skipIf(noChromium !== undefined)("same output in Chromium's worker runner", { timeout: 300_000 }, async () => {
    expect(builds, "the build failed").toBeDefined();
    // The Makefile's `test` target for each program, as transcript() runs it.
    const sessions = TESTS.map((program) => ({
      name: program,
      dirs: ["testdb"],
      steps: [{ args: [program] }, { args: ["mdb_stat", "testdb"] }],
    }));
    const url = `/${path.relative(root, builds.wasm)}`;
    const got = await chromium.compare(
      sessions,
      builds.native,
      (name) => `${url}/${name}.wasm`,
      (s) => s.replace(/0x[0-9a-f]+/g, "ADDR"),
    );
    expect(got.native.match(/^\[exit 0\]$/gm)).toHaveLength(2 * TESTS.length);
    expect(got.chromium).toBe(got.native);
  });
});
