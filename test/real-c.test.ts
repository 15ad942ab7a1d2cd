/**
 * Real C software that uses mmap, built unchanged from the sources Debian
 * ships (pinned versions, checked by SHA-256, downloaded into .tmp/real-c/
 * and never committed), compiled with gcc and with `anymmap cc`, running
 * its own test programs: the output and exit statuses under `anymmap run`
 * in Node, Deno and Bun must be the native build's.
 *
 * - tinycdb 0.78: `make test` runs tests.sh with the cdb tool and diffs its
 *   output against tests.ok; cdb reads databases through mmap. Here
 *   tests.sh runs with a `cdb` that is `anymmap run` of the WASM build.
 * - LMDB 0.9.24 (liblmdb): `make test` runs mtest and mdb_stat; here also
 *   mtest2..mtest5, `mdb_stat -a` and `mdb_dump -a` on the same database.
 *   The whole database is one MAP_SHARED mapping (read through it, written
 *   with pwrite), the reader table a second one over the lock file, locked
 *   with fcntl.
 * - GNU dbm 1.23: its autotest suite (tests/testsuite, what `make check`
 *   runs) with the test programs that it finds on AUTOTEST_PATH being the
 *   WASM builds; tests 1-11 and 21-23 (the others need fork/exec,
 *   gdbmtool or the dbm compatibility library). gdbm maps its database
 *   file and locks it.
 *
 * Builds are cached in .tmp/real-c/, keyed by the tarball and anymmap's C
 * tree.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";

import { missingChromium, sessionsInChromium } from "./browser/c-worker.js";
import { missingTool, root, RUNTIMES, type Runtime } from "./c/corpus.js";
import type { Session, Step } from "./c/session.js";
import { check, DEBIAN_POOL, engineHash, fetchSource, type Source, work } from "./c/sources.js";

const bin = path.join(root, "bin", "anymmap.js");
const deno = path.join(root, "node_modules", ".bin", "deno");
const bun = path.join(root, "node_modules", ".bin", "bun");

const missing = missingTool();
if (missing && process.env.CI) throw new Error(`the real C programs test needs ${missing}`);
const noChromium = missing ?? missingChromium();
if (noChromium && process.env.CI) throw new Error(`the real C programs in Chromium need ${noChromium}`);

/** One Chromium for the file, started by the first test that needs it. */
const chromium = sessionsInChromium([path.relative(root, path.join(work, "build"))]);
afterAll(() => chromium.close(), 60_000);

/** `compare` of `sessions` with the programs of a build's `wasm/` (`native/` natively) under `sub`. */
function nativeAndChromium(build: Build, sessions: Session[], sub = "", normalize?: (s: string) => string) {
  const url = `/${path.relative(root, path.join(build.wasm, sub))}`;
  return chromium.compare(sessions, path.join(build.native, sub), (name) => `${url}/${name}`, normalize);
}

const TINYCDB: Source = {
  name: "tinycdb-0.78",
  url: `${DEBIAN_POOL}/t/tinycdb/tinycdb_0.78.tar.gz`,
  sha256: "0aa39e0004bf890f429ceed597c781ba47bb603245a2737210b99f1772798079",
  dir: "tinycdb-0.78",
};

const LMDB: Source = {
  name: "lmdb-0.9.24",
  url: `${DEBIAN_POOL}/l/lmdb/lmdb_0.9.24.orig.tar.gz`,
  sha256: "8e7200fdc9bb09b0cfad1d4eee8b20d539e43fe05c7ef9406247d64659c4a480",
  dir: "lmdb-0.9.24/libraries/liblmdb",
};

const GDBM: Source = {
  name: "gdbm-1.23",
  url: `${DEBIAN_POOL}/g/gdbm/gdbm_1.23.orig.tar.gz`,
  sha256: "74b1081d21fff13ae4bd7c16e5d6e504a4c26f7cde1dca0d963a484174bbcacd",
  dir: "gdbm-1.23",
};

/** Native and WASM builds of a project's programs: `native/NAME` and `wasm/NAME`. */
interface Build {
  native: string;
  wasm: string;
}

/**
 * Compiles `library` once per compiler and links each program (`NAME` from
 * `NAME.c`, plus `extra` sources of its own) against it, with gcc and with
 * `anymmap cc`, into a directory cached by source and engine.
 */
function buildProject(
  s: Source,
  srcDir: string,
  library: string[],
  programs: Record<string, string[]>,
  cflags: string[] = [],
): Build {
  const out = path.join(work, "build", `${s.name}-${s.sha256.slice(0, 8)}-${engineHash()}`);
  const result = { native: path.join(out, "native"), wasm: path.join(out, "wasm") };
  if (fs.existsSync(path.join(out, "complete"))) return result;
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(result.native, { recursive: true });
  fs.mkdirSync(result.wasm, { recursive: true });
  const env = { ...process.env, ANYMMAP_CACHE: path.join(root, ".tmp", "c-corpus", "core") };
  const cc = {
    native: (args: string[], cwd: string) => spawnSync("gcc", ["-O2", ...cflags, ...args], { cwd }),
    wasm: (args: string[], cwd: string) =>
      spawnSync(process.execPath, [bin, "cc", "-O2", ...cflags, ...args], { cwd, env }),
  };
  for (const kind of ["native", "wasm"] as const) {
    const objects = library.map((c) => path.join(result[kind], c.replace(/\.c$/, ".o")));
    for (const [i, c] of library.entries()) {
      fs.mkdirSync(path.dirname(objects[i] as string), { recursive: true });
      check(cc[kind](["-c", c, "-o", objects[i] as string], srcDir), `${kind} ${s.name} ${c}`);
    }
    for (const [name, extra] of Object.entries(programs)) {
      // emcc decides what to emit by the output's extension; the program
      // keeps its plain name so that it prints the same argv[0].
      const output = path.join(result[kind], kind === "wasm" ? `${name}.wasm` : name);
      fs.mkdirSync(path.dirname(output), { recursive: true });
      check(cc[kind](["-o", output, `${name}.c`, ...extra, ...objects], srcDir), `${kind} ${s.name} ${name}`);
      if (kind === "wasm") fs.renameSync(output, path.join(result.wasm, name));
    }
  }
  fs.writeFileSync(path.join(out, "complete"), "");
  return result;
}

/**
 * The command line that runs WASM `program` in `runtime` with `dir` as its
 * "." (and under its own absolute name, for programs that print paths).
 */
function wasmCommand(runtime: Runtime, dir: string, program: string): string[] {
  const dirs = ["--dir", `${dir}:.`, "--dir", dir];
  switch (runtime) {
    case "node":
      return [process.execPath, bin, "run", ...dirs, program];
    case "deno":
      return [
        deno,
        "run",
        `--allow-read=${root},${dir}`,
        `--allow-write=${dir}`,
        path.join(root, "dist", "run-deno.js"),
        ...dirs,
        program,
      ];
    case "bun":
      return [bun, path.join(root, "dist", "run-bun.js"), ...dirs, program];
  }
}

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** Writes an executable `name` in `binDir` that runs the WASM program with the caller's arguments. */
function wasmWrapper(binDir: string, name: string, runtime: Runtime, dir: string, program: string): string {
  const wrapper = path.join(binDir, name);
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec ${wasmCommand(runtime, dir, program).map(quote).join(" ")} "$@"\n`, {
    mode: 0o755,
  });
  return wrapper;
}

const spawnOptions = { maxBuffer: 64 << 20, timeout: 300_000 };

/**
 * tests.sh's cdb invocations, in its order, with what it pipes into each;
 * `show` stands for its md5sum and cmp of the databases; its last case
 * runs `cdb -c` under `ulimit -f 4` (sh: 512-byte blocks) with SIGXFSZ
 * ignored.
 */
function tinycdbSession(): Session {
  const create = (text: string, show = false): Step => ({
    args: ["cdb", "-c", "1.cdb"],
    stdin: { text },
    ...(show ? { show: ["1.cdb"] } : {}),
  });
  let repeated = "";
  let large = "";
  for (let i = 0; i < 1000; i++) large += `+4,4:k${String(i).padStart(3, "0")}->v${String(i).padStart(3, "0")}\n`;
  for (let i = 0; i < 6; i++) for (let j = 0; j < 100; j++) repeated += `+1,3:a->${i}${String(j).padStart(2, "0")}\n`;
  return {
    name: "tests.sh",
    steps: [
      create("+3,4:one->here\n+1,1:a->b\n+1,3:b->abc\n+3,4:one->also\n\n\n", true),
      { args: ["cdb", "-d", "1.cdb"] },
      { args: ["cdb", "-s", "1.cdb"] },
      { args: ["cdb", "-q", "1.cdb", "one"] },
      { args: ["cdb", "-q", "1.cdb", "none"] },
      create(`${repeated}+1,5:b->other\n\n`, true),
      { args: ["cdb", "-s", "1.cdb"] },
      { args: ["cdb", "-q", "1.cdb", "b"] },
      { args: ["cdb", "-d", "1.cdb"] },
      { args: ["cdb", "-c", "1a.cdb"], stdin: "pipe", show: ["1.cdb", "1a.cdb"] },
      { args: ["cdb", "-d", "-m", "1.cdb"] },
      { args: ["cdb", "-c", "-m", "1a.cdb"], stdin: "pipe", show: ["1.cdb", "1a.cdb"] },
      create("+123456789012,1:\n"),
      create("+1,123456789012:\n"),
      create("+10,10:\n"),
      create("+2,2:a\n->b\n\n\n", true),
      { args: ["cdb", "-q", "1.cdb", "a\n"] },
      { ...create(`${large}\n`), fileSizeLimit: 4 * 512 },
    ],
  };
}

describe.skipIf(missing !== undefined)("tinycdb 0.78: tests.sh", () => {
  let build: Build;
  let srcDir: string;
  let expected: string;
  /** Runs tests.sh in a fresh directory with `cdb` as the tool, as `make test` does; returns its output. */
  function testsSh(cdb: (dir: string) => string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "real-c-tinycdb-"));
    fs.copyFileSync(path.join(srcDir, "tests.sh"), path.join(dir, "tests.sh"));
    const r = spawnSync("sh", ["-c", `sh ./tests.sh ${quote(cdb(dir))} 2>&1`], { cwd: dir, ...spawnOptions });
    fs.rmSync(dir, { recursive: true, force: true });
    if (r.error) throw r.error;
    return `${r.stdout.toString()}[exit ${r.status}]\n`;
  }

  test("builds with gcc and anymmap cc; the native cdb passes tests.sh (tests.ok)", { timeout: 900_000 }, async () => {
    srcDir = await fetchSource(TINYCDB);
    const library = [
      "cdb_init.c",
      "cdb_find.c",
      "cdb_findnext.c",
      "cdb_seq.c",
      "cdb_seek.c",
      "cdb_unpack.c",
      "cdb_make.c",
      "cdb_make_add.c",
      "cdb_make_put.c",
      "cdb_hash.c",
    ];
    // The Makefile's CDEFS.
    build = buildProject(TINYCDB, srcDir, library, { cdb: [] }, ["-D_FILE_OFFSET_BITS=64"]);
    expected = testsSh(() => path.join(build.native, "cdb"));
    expect(expected).toBe(`${fs.readFileSync(path.join(srcDir, "tests.ok"), "utf8")}[exit 0]\n`);
  });
  for (const runtime of RUNTIMES) {
    test(`tests.sh gives tests.ok in ${runtime}`, { timeout: 300_000 }, () => {
      expect(build, "the build failed").toBeDefined();
      const binDir = fs.mkdtempSync(path.join(os.tmpdir(), "real-c-bin-"));
      try {
        // tests.sh prints "cdb: ..." from argv[0]: the wrapper is named cdb and runs wasm/cdb.
        expect(testsSh((dir) => wasmWrapper(binDir, "cdb", runtime, dir, path.join(build.wasm, "cdb")))).toBe(expected);
      } finally {
        fs.rmSync(binDir, { recursive: true, force: true });
      }
    });
  }
  test.skipIf(noChromium !== undefined)(
    "tests.sh's cdb runs give the native output in Chromium's worker runner",
    {
      timeout: 300_000,
    },
    async () => {
      expect(build, "the build failed").toBeDefined();
      const got = await nativeAndChromium(build, [tinycdbSession()]);
      // The native runs are tests.sh's: what tests.ok has for them (its checksums, the short file).
      expect(got.native).toContain("md5 1.cdb: 97549c2e76e2d446430a392d77ed1bcb\n");
      expect(got.native).toContain("md5 1.cdb: 412a0b7578efca528bf8398c8811caf4\n");
      expect(got.native).toContain("md5 1.cdb: 1d444fe759c26d36f500d01c41cfda40\n");
      expect(got.native).toContain("[stderr] cdb: unable to read: short file\n[exit 2]\n");
      expect(got.native).toMatch(/\[stderr\] cdb: cdb_make_put: File too large\n\[exit 111\]\n$/);
      expect(got.chromium).toBe(got.native);
    },
  );
});

describe.skipIf(missing !== undefined)("LMDB 0.9.24: mtest..mtest5, mdb_stat, mdb_dump", () => {
  let build: Build;
  let expected: string;
  // The Makefile's `test` target (mtest, then mdb_stat), then the other
  // mtests and a full stat and dump of the database they leave.
  const RUNS = [
    ["mtest"],
    ["mdb_stat", "testdb"],
    ["mtest2"],
    ["mtest3"],
    ["mtest4"],
    ["mtest5"],
    ["mdb_stat", "-a", "testdb"],
    ["mdb_dump", "-a", "testdb"],
  ];
  /** Runs RUNS in a fresh directory holding an empty testdb/; mtest prints pointers (%p), shown as 0xPTR. */
  function transcript(run: (dir: string, args: string[]) => ReturnType<typeof spawnSync>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "real-c-lmdb-"));
    fs.mkdirSync(path.join(dir, "testdb"));
    let out = "";
    try {
      for (const args of RUNS) {
        const r = run(dir, args);
        if (r.error) throw r.error;
        out += `$ ${args.join(" ")}\n${r.stdout.toString()}`;
        if (r.stderr.length > 0) out += `[stderr] ${r.stderr.toString()}`;
        out += `[exit ${r.status ?? r.signal}]\n`;
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return out.replace(/0x[0-9a-f]+/g, "0xPTR");
  }

  test("builds with gcc and anymmap cc; the native tests pass", { timeout: 900_000 }, async () => {
    const srcDir = await fetchSource(LMDB);
    // The mtests seed rand() with time(NULL); test/real/fixed_rand.c gives
    // both builds one fixed sequence so that their outputs can be compared.
    const rand = path.join(root, "test", "real", "fixed_rand.c");
    const programs = {
      mtest: [rand],
      mtest2: [rand],
      mtest3: [rand],
      mtest4: [rand],
      mtest5: [rand],
      mdb_stat: [],
      mdb_dump: [],
    };
    build = buildProject(LMDB, srcDir, ["mdb.c", "midl.c"], programs);
    expected = transcript((dir, [name, ...args]) =>
      spawnSync(path.join(build.native, name as string), args, { cwd: dir, ...spawnOptions }),
    );
    expect(expected.match(/^\[exit 0\]$/gm)).toHaveLength(RUNS.length);
    expect(expected).toMatch(/^Status of id4$/m);
  });
  for (const runtime of RUNTIMES) {
    test(`same output and exit statuses in ${runtime}`, { timeout: 300_000 }, () => {
      expect(build, "the build failed").toBeDefined();
      const got = transcript((dir, [name, ...args]) => {
        const [cmd, ...rest] = wasmCommand(runtime, dir, path.join(build.wasm, name as string));
        return spawnSync(cmd as string, [...rest, ...args], spawnOptions);
      });
      expect(got).toBe(expected);
    });
  }
  test.skipIf(noChromium !== undefined)(
    "same output and exit statuses in Chromium's worker runner",
    {
      timeout: 300_000,
    },
    async () => {
      expect(build, "the build failed").toBeDefined();
      const session: Session = {
        name: "make test, mtest2..5, stat, dump",
        dirs: ["testdb"],
        steps: RUNS.map((args) => ({ args })),
      };
      const got = await nativeAndChromium(build, [session], "", (s) => s.replace(/0x[0-9a-f]+/g, "0xPTR"));
      expect(got.native.match(/^\[exit 0\]$/gm)).toHaveLength(RUNS.length);
      expect(got.chromium).toBe(got.native);
    },
  );
});

/**
 * What gdbm's testsuite runs in tests 1-11 and 21-23 (tests/*.at), each test
 * in a fresh directory: `num2word A:B | gtload test.db`, `... > input` and
 * `< input`; `| sort -k1n,2n` is run on the host. The `.at` files compare
 * the sorted dump with the input (cmp), here the transcript shows both.
 */
function gdbmSessions(): Session[] {
  const load = (range: string): Step[] => [
    { args: ["num2word", range] },
    { args: ["gtload", "test.db"], stdin: "pipe" },
  ];
  const numbers: Step = { args: ["num2word", "1:1000"], stdoutTo: "input", show: ["input"] };
  const sortedDump: Step = { args: ["gtdump", "test.db"], filter: ["sort", "-k1n,2n"] };
  const fromInput = (...args: string[]): Step => ({ args: ["gtload", ...args, "test.db"], stdin: { file: "input" } });
  return [
    { name: "1 version", steps: [{ args: ["gtver", "-lib", "-full", "-header", "-full"] }] },
    { name: "2 create00", steps: [numbers, fromInput(), sortedDump] },
    { name: "3 fetch00", steps: [...load("1:10000"), { args: ["gtfetch", "test.db", "1", "2745", "9999"] }] },
    { name: "4 fetch01", steps: [...load("1:10000"), { args: ["gtfetch", "test.db", "0"] }] },
    { name: "5 delete00", steps: [...load("1:10"), { args: ["gtdel", "test.db", "8"] }, sortedDump] },
    { name: "6 delete01", steps: [...load("1:10"), { args: ["gtdel", "test.db", "11"] }] },
    {
      name: "7 delete02",
      steps: [...load("1:10"), { args: ["gtdel", "test.db", ..."1 2 3 4 5 6 7 8 9 10".split(" ")] }, sortedDump],
    },
    { name: "8 closerr", steps: [{ args: ["closerr"] }] },
    {
      name: "9 blocksize00",
      steps: [
        numbers,
        fromInput("-blocksize=518", "-clear", "-verbose"),
        sortedDump,
        fromInput("-blocksize=1025", "-clear", "-verbose"),
        sortedDump,
      ],
    },
    {
      name: "10 blocksize01",
      steps: [numbers, fromInput("-blocksize=1024", "-bsexact", "-clear", "-verbose"), sortedDump],
    },
    {
      name: "11 blocksize02",
      steps: [
        { args: ["gtload", "-blocksize=1025", "-bsexact", "-clear", "-verbose", "test.db"], stdin: { text: "" } },
      ],
    },
    { name: "21 setopt00", steps: [...load("1:1000"), { args: ["gtopt", "test.db", "!MMAP"] }] },
    { name: "22 setopt01", steps: [...load("1:1000"), { args: ["gtopt", "test.db", "MMAP"] }] },
    { name: "23 setopt02", steps: [{ args: ["gtcacheopt"] }] },
  ];
}

describe.skipIf(missing !== undefined)("GNU dbm 1.23: its testsuite, tests 1-11 and 21-23", () => {
  let build: Build;
  let testsDir: string;
  let expected: string;
  /** The test programs tests 1-11 and 21-23 run (tests/Makefile.am's check_PROGRAMS). */
  const PROGRAMS = ["gtver", "gtload", "gtdump", "gtfetch", "gtdel", "closerr", "gtopt", "gtcacheopt", "num2word"];
  /** Runs the testsuite in a fresh directory with the programs in `binDir`; its report and exit status. */
  function testsuite(binDir: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "real-c-gdbm-"));
    for (const f of ["testsuite", "atconfig", "atlocal"]) fs.copyFileSync(path.join(testsDir, f), path.join(dir, f));
    const r = spawnSync("sh", ["./testsuite", `AUTOTEST_PATH=${binDir}`, "1-11", "21-23"], {
      cwd: dir,
      ...spawnOptions,
    });
    const log = r.status === 0 ? "" : fs.readFileSync(path.join(dir, "testsuite.log"), "utf8");
    fs.rmSync(dir, { recursive: true, force: true });
    if (r.error) throw r.error;
    return `${r.stdout.toString()}[exit ${r.status}]\n${log}`;
  }

  test("builds with gcc and anymmap cc; the native build passes", { timeout: 900_000 }, async () => {
    const srcDir = await fetchSource(GDBM);
    testsDir = path.join(srcDir, "tests");
    // gdbm.h, autoconf.h and the testsuite's atconfig/atlocal come from
    // configure (what its INSTALL says; no NLS or readline, which the
    // tests do not use), run natively once.
    if (!fs.existsSync(path.join(srcDir, "configured"))) {
      check(
        spawnSync("sh", ["./configure", "--disable-nls", "--without-readline"], { cwd: srcDir, ...spawnOptions }),
        "gdbm configure",
      );
      fs.writeFileSync(path.join(srcDir, "configured"), "");
    }
    // src/Makefile.am's libgdbm_la_SOURCES (debug.c only with --enable-debug).
    const library = [
      "gdbmclose.c gdbmcount.c gdbmdelete.c gdbmdump.c gdbmerrno.c gdbmexists.c gdbmexp.c gdbmfdesc.c",
      "gdbmfetch.c gdbmload.c gdbmopen.c gdbmimp.c gdbmreorg.c gdbmseq.c gdbmsetopt.c gdbmstore.c",
      "gdbmsync.c avail.c base64.c bucket.c falloc.c findkey.c fullio.c hash.c lock.c mmap.c recover.c",
      "update.c version.c",
    ]
      .join(" ")
      .split(" ")
      .map((c) => `src/${c}`);
    const programs = Object.fromEntries(PROGRAMS.map((p) => [`tests/${p}`, []]));
    // The include directories of src/Makefile.am and tests/Makefile.am.
    build = buildProject(GDBM, srcDir, library, programs, ["-I.", "-Isrc", "-Itools"]);
    expected = testsuite(path.join(build.native, "tests"));
    expect(expected).toMatch(/^All 14 tests were successful\.$/m);
    expect(expected).toMatch(/\[exit 0\]\n$/);
  });
  for (const runtime of RUNTIMES) {
    test(`the testsuite passes the same in ${runtime}`, { timeout: 300_000 }, () => {
      expect(build, "the build failed").toBeDefined();
      const binDir = fs.mkdtempSync(path.join(os.tmpdir(), "real-c-bin-"));
      try {
        // Each test runs in its own directory: the wrappers give the
        // program the directory they are run in ("$PWD") as ".".
        const here = "\u0000";
        for (const name of PROGRAMS) {
          const command = wasmCommand(runtime, here, path.join(build.wasm, "tests", name))
            .map(quote)
            .join(" ")
            .replaceAll(here, `'"$PWD"'`);
          fs.writeFileSync(path.join(binDir, name), `#!/bin/sh\nexec ${command} "$@"\n`, { mode: 0o755 });
        }
        expect(testsuite(binDir)).toBe(expected);
      } finally {
        fs.rmSync(binDir, { recursive: true, force: true });
      }
    });
  }
  test.skipIf(noChromium !== undefined)(
    "the tests' program runs give the native output in Chromium's worker runner",
    {
      timeout: 300_000,
    },
    async () => {
      expect(build, "the build failed").toBeDefined();
      const got = await nativeAndChromium(build, gdbmSessions(), "tests");
      // What the .at files expect of the native runs.
      expect(got.native).toContain(
        "one\ntwo thousand seven hundred and fourty-five\nnine thousand nine hundred and ninety-nine\n",
      );
      expect(got.native).toContain("[stderr] gtfetch: 0: not found\n[exit 2]\n");
      expect(got.native).toContain("blocksize=1024\n[exit 0]\n");
      expect(got.native).toContain("[stderr] gdbm_open failed: Block size error\n[exit 1]\n");
      expect(got.chromium).toBe(got.native);
    },
  );
});
