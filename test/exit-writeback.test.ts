/**
 * Unsynced MAP_SHARED writes of the WASM backend reach the file however the
 * program ends, as the kernel's page cache would keep them: a child process
 * (Node, Deno, Bun) writes 64 KiB through the raw `bytes` view and write()
 * without msync (in the default address space, or in one of createInstance()),
 * then ends normally, by exit(), by an uncaught exception or
 * rejection, or by SIGINT/SIGTERM with the default action (it must still
 * die of the signal) or with its own listener (which decides the status).
 * Every byte must be in the file. SIGKILL cannot be caught and stays a loss
 * (docs/security.md). Needs `npm run build` and the deno and bun devDependencies.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { runtimeEnv } from "../scripts/runtime-env.mjs";
import { build } from "./c/corpus.js";
import { pattern } from "./harness/helpers.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const child = fileURLToPath(new URL("./fixtures/exit-child.mjs", import.meta.url));
const bin = (name: string): string => path.join(root, "node_modules", ".bin", name);
const entry = (name: string): string => pathToFileURL(path.join(root, "dist", `${name}.js`)).href;
const env = runtimeEnv(root);

const RUNTIMES: Record<string, (file: string, how: string, seed: number) => [string, string[]]> = {
  node: (file, how, seed) => [process.execPath, [child, entry("node"), file, how, String(seed)]],
  deno: (file, how, seed) => [
    bin("deno"),
    ["run", "--allow-read", "--allow-write", child, entry("deno"), file, how, String(seed)],
  ],
  bun: (file, how, seed) => [bin("bun"), [child, entry("bun"), file, how, String(seed)]],
};

// The soak (ANYMMAP_SOAK=1, npm run test:soak) repeats every way with other patterns.
const ROUNDS = process.env.ANYMMAP_SOAK === "1" ? 5 : 1;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "anymmap-exit-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => {
  for (const f of ["dist/node.js", "dist/deno.js", "dist/bun.js", "dist/anymmap.wasm"]) {
    if (!fs.existsSync(path.join(root, f)))
      throw new Error(`${f} is missing: run \`npm run build\` before these tests`);
  }
});

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/** Runs the child; for signal ways, sends `signal` once it prints "ready". */
function run(command: string, args: string[], signal?: NodeJS.Signals): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const proc = spawn(command, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let sent = false;
    proc.stdout.setEncoding("utf8");
    proc.stderr.setEncoding("utf8");
    proc.stdout.on("data", (chunk: string) => {
      out += chunk;
      if (signal && !sent && out.split("\n").includes("ready")) {
        sent = true;
        proc.kill(signal);
      }
    });
    proc.stderr.on("data", (chunk: string) => (err += chunk));
    proc.on("error", reject);
    proc.on("close", (code, sig) => resolve({ code, signal: sig, out, err }));
  });
}

const WAYS: Array<{ how: string; signal?: NodeJS.Signals; ends: (e: Ended) => boolean; expected: string }> = [
  { how: "end", ends: (e) => e.code === 0, expected: "status 0" },
  { how: "instance", ends: (e) => e.code === 0, expected: "status 0" },
  { how: "exit", ends: (e) => e.code === 0, expected: "status 0" },
  { how: "throw", ends: (e) => e.code !== 0 && e.signal === null, expected: "a non-zero status" },
  { how: "reject", ends: (e) => e.code !== 0 && e.signal === null, expected: "a non-zero status" },
  { how: "signal", signal: "SIGINT", ends: (e) => e.signal === "SIGINT", expected: "death by SIGINT" },
  { how: "signal", signal: "SIGTERM", ends: (e) => e.signal === "SIGTERM", expected: "death by SIGTERM" },
  { how: "handled", signal: "SIGINT", ends: (e) => e.code === 3, expected: "the program's own status 3" },
  { how: "handled", signal: "SIGTERM", ends: (e) => e.code === 3, expected: "the program's own status 3" },
];

describe.each(Object.keys(RUNTIMES))(
  "%s: unsynced MAP_SHARED writes (WASM backend) survive the end of the program",
  (runtime) => {
    WAYS.forEach(({ how, signal, ends, expected }, i) => {
      for (let round = 0; round < ROUNDS; round++) {
        it(`${how}${signal ? ` ${signal}` : ""}${ROUNDS > 1 ? ` (round ${round})` : ""}`, async () => {
          const seed = 1000 + i + 100 * round;
          const file = path.join(tmp, `${runtime}-${how}-${signal ?? "none"}-${round}.bin`);
          fs.writeFileSync(file, new Uint8Array(65536));
          const [command, args] = RUNTIMES[runtime]!(file, how, seed);
          const ended = await run(command, args, signal);
          const what = `exit status ${ended.code}, signal ${ended.signal}\nstdout: ${ended.out}\nstderr: ${ended.err}`;
          expect(ends(ended), `expected ${expected}; got ${what}`).toBe(true);
          expect(ended.err, "the write-back reported a failure").not.toContain("anymmap:");
          const disk = new Uint8Array(fs.readFileSync(file));
          const want = pattern(65536, seed);
          let first = -1;
          let lost = 0;
          for (let j = 0; j < want.length; j++) {
            if (disk[j] !== want[j]) {
              lost++;
              if (first < 0) first = j;
            }
          }
          expect(
            lost === 0 ? "all bytes in the file" : `${lost} of 65536 bytes lost (first at ${first}); ${what}`,
          ).toBe("all bytes in the file");
        });
      }
    });
  },
);

/**
 * `anymmap run`: SIGINT and SIGTERM stop the C program at its next host call
 * and write its dirty MAP_SHARED pages back before the process dies of the
 * signal, as the gcc build's pages reach the file through the page cache
 * (test/c-host/interrupted.c). Node's runner runs the program on a worker
 * thread and listens on the main one; Deno's and Bun's run it on the main
 * thread, where the native library catches the signals (native/stop_signals.c;
 * Deno needs --allow-ffi for it).
 */
const RUNNERS: Record<string, (dir: string, wasm: string, args: string[]) => [string, string[]]> = {
  node: (dir, wasm, args) => [
    process.execPath,
    [path.join(root, "bin", "anymmap.js"), "run", "--dir", dir, wasm, ...args],
  ],
  deno: (dir, wasm, args) => [
    bin("deno"),
    [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-ffi",
      path.join(root, "dist", "run-deno.js"),
      "--dir",
      dir,
      wasm,
      ...args,
    ],
  ],
  bun: (dir, wasm, args) => [bin("bun"), [path.join(root, "dist", "run-bun.js"), "--dir", dir, wasm, ...args]],
};

describe.each(Object.keys(RUNNERS))(
  "anymmap run in %s: a signal ends the C program as on Linux, stored bytes kept",
  (runner) => {
    const INTERRUPTED_LENGTH = 2 * 4096;
    const stored = (file: string): string => {
      const disk = fs.readFileSync(file);
      if (disk.length !== INTERRUPTED_LENGTH) return `${disk.length} bytes in the file`;
      for (let i = 0; i < disk.length; i++)
        if (disk[i] !== ((i * 7 + 1) & 0xff)) return `byte ${i} is ${disk[i]}, not what was stored`;
      return "every stored byte in the file";
    };
    const program = (() => {
      let built: { native: string; wasm: string } | undefined;
      return () => (built ??= build(path.join(root, "test", "c-host", "interrupted.c")));
    })();
    const runUnder = (wasm: string, args: string[], signal: NodeJS.Signals) => {
      const [command, commandArgs] = RUNNERS[runner]!(tmp, wasm, args);
      return run(command, commandArgs, signal);
    };

    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      for (const wait of ["sleep", "print"]) {
        it(`${signal} while the program waits (${wait})`, { timeout: 300_000 }, async () => {
          const { native, wasm } = program();
          const linuxFile = path.join(tmp, `interrupted-gcc-${runner}-${signal}-${wait}.bin`);
          const wasmFile = path.join(tmp, `interrupted-wasm-${runner}-${signal}-${wait}.bin`);
          fs.writeFileSync(linuxFile, "");
          fs.writeFileSync(wasmFile, "");
          const linux = await run(native, [linuxFile, wait], signal);
          expect(linux.signal).toBe(signal);
          expect(stored(linuxFile)).toBe("every stored byte in the file");
          const anymmap = await runUnder(wasm, [wasmFile, wait], signal);
          expect(anymmap.signal, `status ${anymmap.code}, stderr ${anymmap.err.slice(-500)}`).toBe(signal);
          expect(stored(wasmFile)).toBe("every stored byte in the file");
        });
      }
    }

    it("a program that computes without calling the host still dies of the signal, without hanging", {
      timeout: 300_000,
    }, async () => {
      const { wasm } = program();
      const file = path.join(tmp, `interrupted-wasm-${runner}-compute.bin`);
      fs.writeFileSync(file, "");
      const anymmap = await runUnder(wasm, [file, "compute"], "SIGINT");
      expect(anymmap.signal).toBe("SIGINT");
    });
  },
);
