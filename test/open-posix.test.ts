/**
 * The Open POSIX Test Suite (posixtestsuite 1.5.2, Debian's source package,
 * the suite that LTP later took in) for the interfaces anymmap provides to
 * C programs: mmap, munmap, mlock, munlock, mlockall, munlockall, shm_open,
 * shm_unlink. Each test is compiled with gcc and with `anymmap cc`
 * unchanged and run natively and under `anymmap run` in Node, Deno and
 * Bun: the exit status (PTS_PASS 0, PTS_FAIL 1, PTS_UNRESOLVED 2,
 * PTS_UNSUPPORTED 4...) must be Linux's. Tests that need fork, signals
 * (SIGSEGV/SIGBUS on a bad access), threads or privilege changes are left
 * out: WebAssembly programs have none of them (docs/c-programs.md).
 * The tests write their files under /tmp: the run directory is given as
 * /tmp (and as ".") to the WASM program. The tarball and builds are cached
 * in .tmp/real-c/.
 *
 * Building 80 programs twice takes about 10 minutes on a 2-core machine,
 * more than CI's budget allows on a clean clone: it runs when asked for,
 * `npm run test:open-posix` (ANYMMAP_OPEN_POSIX=1).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, test } from "vitest";

import { missingTool, root, RUNTIMES, type Runtime } from "./c/corpus.js";
import { check, DEBIAN_POOL, engineHash, fetchSource, type Source, work } from "./c/sources.js";

const bin = path.join(root, "bin", "anymmap.js");
const deno = path.join(root, "node_modules", ".bin", "deno");
const bun = path.join(root, "node_modules", ".bin", "bun");
const SUITE: Source = {
  name: "posixtestsuite-1.5.2",
  url: `${DEBIAN_POOL}/p/posixtestsuite/posixtestsuite_1.5.2.orig.tar.gz`,
  sha256: "15a2185672127cba851d35ec9d538ff6148defdbb75f99c7e9c50aeba0f94757",
  dir: "posixtestsuite",
};
const INTERFACES = ["mmap", "munmap", "mlock", "munlock", "mlockall", "munlockall", "shm_open", "shm_unlink"];
/** What a test needs that a WebAssembly program cannot have. */
const NEEDS_PROCESS = /fork|sigaction|signal\(|SIGSEGV|SIGBUS|setuid|seteuid|pthread_create|kill\(|alarm/;

/**
 * Tests whose Linux verdict anymmap does not give, and why (also in
 * docs/c-programs.md). They are left out.
 */
const KNOWN: Record<string, string> = {
  "mmap/18-1":
    "passes setrlimit(RLIMIT_MEMLOCK) an uninitialized rlim_max: Linux refuses it (UNRESOLVED); RLIMIT_MEMLOCK is not enforced in WebAssembly",
  "mmap/24-1":
    "maps a 1 KiB shared memory object until ENOMEM: Linux stops at vm.max_map_count (65530 mappings); anymmap fills 4 GiB of eager mappings first, minutes",
  "munmap/2-1":
    "munmaps heap memory and then free()s it: Linux crashes (SIGSEGV); WebAssembly memory cannot be unmapped, the heap stays",
  "shm_open/18-1": "checks the mode of the created object: WASI has no file modes",
  "shm_open/38-1":
    "opens descriptors until EMFILE: Linux stops at RLIMIT_NOFILE (1024); anymmap has no descriptor limit and the loop runs on for minutes",
};

const missing = missingTool();
if (missing && process.env.CI && process.env.ANYMMAP_OPEN_POSIX === "1")
  throw new Error(`the Open POSIX Test Suite test needs ${missing}`);

interface Case {
  /** "mmap/1-1" */
  name: string;
  native: string;
  wasm: string;
}

const spawnOptions = { maxBuffer: 16 << 20, timeout: 120_000 };

/**
 * The verdict of one run: its exit status (what the suite's own runner
 * reads), and what it printed, for the failure message only (glibc and
 * musl word strerror differently).
 */
interface Outcome {
  status: number | string;
  output: string;
}

function outcome(r: ReturnType<typeof spawnSync>): Outcome {
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT")
    return { status: "timed out", output: r.stdout.toString().slice(-500) };
  if (r.error) throw r.error;
  return { status: r.status ?? String(r.signal), output: (r.stdout.toString() + r.stderr.toString()).trim() };
}

function runNative(c: Case): Outcome {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "open-posix-"));
  try {
    return outcome(spawnSync(c.native, [], { cwd: dir, ...spawnOptions }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function runWasm(c: Case, runtime: Runtime): Outcome {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "open-posix-"));
  const tail = ["--dir", `${dir}:.`, "--dir", `${dir}:/tmp`, c.wasm];
  const command: Record<Runtime, [string, string[]]> = {
    node: [process.execPath, [bin, "run", ...tail]],
    deno: [
      deno,
      ["run", `--allow-read=${root},${dir}`, `--allow-write=${dir}`, path.join(root, "dist", "run-deno.js"), ...tail],
    ],
    bun: [bun, [path.join(root, "dist", "run-bun.js"), ...tail]],
  };
  try {
    const [cmd, args] = command[runtime];
    return outcome(spawnSync(cmd, args, spawnOptions));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const asked = process.env.ANYMMAP_OPEN_POSIX === "1";

describe.skipIf(missing !== undefined || !asked)("Open POSIX Test Suite 1.5.2: mmap, munmap, mlock, shm", () => {
  const cases: Case[] = [];
  const expected = new Map<string, Outcome>();

  test("builds every test without fork/signals/threads with gcc and anymmap cc", { timeout: 1_800_000 }, async () => {
    const suite = await fetchSource(SUITE);
    const include = path.join(suite, "include");
    const out = path.join(work, "build", `open-posix-${SUITE.sha256.slice(0, 8)}-${engineHash()}`);
    fs.mkdirSync(out, { recursive: true });
    const env = { ...process.env, ANYMMAP_CACHE: path.join(root, ".tmp", "c-corpus", "core") };
    for (const iface of INTERFACES) {
      const dir = path.join(suite, "conformance", "interfaces", iface);
      for (const file of fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".c"))
        .sort()) {
        const source = path.join(dir, file);
        if (NEEDS_PROCESS.test(fs.readFileSync(source, "utf8"))) continue;
        const name = `${iface}/${file.replace(/\.c$/, "")}`;
        if (name in KNOWN) continue;
        const base = path.join(out, name.replace("/", "_"));
        const c: Case = { name, native: base, wasm: `${base}.wasm` };
        if (!fs.existsSync(c.native))
          check(spawnSync("gcc", ["-O2", "-I", include, "-o", c.native, source, "-lrt"]), `gcc ${name}`);
        if (!fs.existsSync(c.wasm)) {
          const tmp = `${base}.${process.pid}.wasm`;
          check(
            spawnSync(process.execPath, [bin, "cc", "-O2", "-I", include, "-o", tmp, source], { env }),
            `anymmap cc ${name}`,
          );
          fs.renameSync(tmp, c.wasm);
        }
        cases.push(c);
        expected.set(name, runNative(c));
      }
    }
    expect(cases.length).toBeGreaterThan(50);
  });

  for (const runtime of RUNTIMES) {
    test(`every test exits as on Linux in ${runtime}`, { timeout: 900_000 }, () => {
      expect(cases.length, "the builds failed").toBeGreaterThan(0);
      const differ: string[] = [];
      for (const c of cases) {
        const got = runWasm(c, runtime);
        const linux = expected.get(c.name) as Outcome;
        if (got.status !== linux.status)
          differ.push(`${c.name}: exit ${got.status} (${got.output}), Linux: exit ${linux.status} (${linux.output})`);
      }
      expect(differ).toEqual([]);
    });
  }
});
