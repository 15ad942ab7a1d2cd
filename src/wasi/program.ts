import { WASI_ERRNO } from "../abi/errno.js";
import { F_UNLCK } from "../abi/locks.js";
import { WasiExit, WasiHost, type WasiHostOptions } from "./host.js";
import type { HostDir } from "./host-dir.js";
import { Pipe } from "./pipe.js";
import { pollOneoff } from "./poll.js";

/** A host file call's answer, or -EIO if it threw (a HostFile should not). */
function hostCall(call: () => number): number {
  try {
    return call();
  } catch {
    return -WASI_ERRNO.EIO;
  }
}

/** Exit status of a program that trapped on something with no Linux signal of its own: 128 + SIGABRT. */
export const EXIT_TRAPPED = 134;

/**
 * The signal Linux kills a process with for what the engine trapped on,
 * told by the trap's message in V8 (Node, Deno, Chromium) and
 * JavaScriptCore (Bun): x86's division fault is SIGFPE, a wild or null
 * access, a bad function pointer or a stack past its end SIGSEGV,
 * __builtin_trap (ud2) SIGILL. The exit status is 128 + the signal, as a
 * shell reports a kill; a test harness tells a crash from an abort by it.
 */
const TRAP_SIGNALS: readonly { pattern: RegExp; signal: number; name: string }[] = [
  {
    pattern: /divide by zero|division by zero|remainder by zero|divide result unrepresentable|integer overflow/i,
    signal: 8,
    name: "SIGFPE",
  },
  {
    pattern: /out of bounds|call stack size|stack overflow|null function|signature mismatch|indirect call/i,
    signal: 11,
    name: "SIGSEGV",
  },
  { pattern: /unreachable/i, signal: 4, name: "SIGILL" },
];

/** The status and message of a program that trapped with `e`. */
function trapped(e: unknown): ProgramResult {
  const message = e instanceof Error ? e.message : String(e);
  const kill = TRAP_SIGNALS.find((t) => t.pattern.test(message));
  return kill
    ? { status: 128 + kill.signal, error: `the program trapped (${kill.name}, as Linux would kill it): ${message}` }
    : { status: EXIT_TRAPPED, error: `the program trapped: ${message}` };
}
/** Exit status when the program cannot start (imports no host provides): the shell's "cannot execute". */
export const EXIT_CANNOT_RUN = 126;

/**
 * `preopens` plus the directories every Linux process finds, each an empty
 * directory (`emptyDir()`, in memory) unless the caller mapped one there:
 * `/dev/shm` (the tmpfs of POSIX shared memory: `shm_open` opens
 * `/dev/shm/NAME`) and `/tmp` (`tmpfile`, `mkstemp("/tmp/...")`).
 */
export function withRunDirs(
  preopens: { name: string; dir: HostDir }[],
  emptyDir: () => HostDir,
): { name: string; dir: HostDir }[] {
  const added = RUN_DIRS.filter((name) => !preopens.some((p) => p.name.replace(/\/+$/, "") === name));
  return [...preopens, ...added.map((name) => ({ name, dir: emptyDir() }))];
}

const RUN_DIRS = ["/dev/shm", "/tmp"];

/** How to run a program: the WASI host's options, and how the runner stops it. */
export interface ProgramOptions extends WasiHostOptions {
  /**
   * A cell of a SharedArrayBuffer that another thread sets to a signal's
   * number (SIGINT 2, SIGTERM 15) to end the program as that signal would:
   * at its next call to the host (output, input, a sleep or poll, opening a
   * file...) the program stops, its dirty MAP_SHARED pages are written back
   * as the kernel's page cache would keep them, and the run returns 128 +
   * the signal. A sleep or poll wakes at once. A program that computes
   * without calling the host does not see it.
   */
  interrupt?: Int32Array;
}

/**
 * The WASI calls the mmap core itself makes (wasm/src): a throw out of one
 * would unwind the core in the middle of changing its tables, so an
 * interrupt never stops a program there (test/wasi-host.test.ts checks the
 * list against the C sources).
 */
export const CORE_WASI_CALLS: ReadonlySet<string> = new Set([
  "fd_close",
  "fd_datasync",
  "fd_fdstat_get",
  "fd_filestat_get",
  "fd_filestat_set_size",
  "fd_pread",
  "fd_pwrite",
  "fd_renumber",
]);

/** Thrown through the program's frames when the runner asked it to stop. */
class Interrupted extends Error {
  override readonly name = "Interrupted";
  constructor(readonly signal: number) {
    super(`the program was stopped by signal ${signal}`);
  }
}

/**
 * Makes every function of `calls` but those named in `spared` throw
 * Interrupted once `interrupt` is set, before the call and after it (a
 * sleep that the signal woke, an input that arrived since).
 */
function stopAtHostCalls(calls: Record<string, unknown>, interrupt: Int32Array, spared: ReadonlySet<string>): void {
  const check = (): void => {
    const signal = Atomics.load(interrupt, 0);
    if (signal !== 0) throw new Interrupted(signal);
  };
  for (const [name, call] of Object.entries(calls)) {
    if (typeof call !== "function" || spared.has(name)) continue;
    calls[name] = (...args: unknown[]): unknown => {
      check();
      const result = (call as (...a: unknown[]) => unknown)(...args);
      check();
      return result;
    };
  }
}

/** What a program run returned. */
export interface ProgramResult {
  /** The exit status, as `$?` would show it. */
  status: number;
  /** Why the program did not exit normally, for the runner to print; undefined when it did. */
  error?: string;
}

/**
 * Runs a WASI command module (one with `_start`, as `anymmap cc` builds)
 * under anymmap's WASI host: preopened directories, argv, environment and
 * stdio come from `options`. Emscripten syscalls that neither anymmap's C
 * files nor WASI provide (`env.__syscall_*`) answer ENOSYS, as Linux does
 * for a syscall it lacks; any other import is refused before the program
 * starts.
 */
export function runProgram(module: WebAssembly.Module, options: ProgramOptions): ProgramResult {
  const host = new WasiHost(options);
  const imports = host.imports();
  let memory: WebAssembly.Memory | undefined;
  const { interrupt } = options;
  const wasi = {
    poll_oneoff: pollOneoff(() => memory, interrupt),
    ...(imports.wasi_snapshot_preview1 as Record<string, unknown>),
  };
  imports.wasi_snapshot_preview1 = wasi as WebAssembly.ModuleImports;
  // What WASI lacks and wasm/posix needs: dup(2) (posix/dup.c), pipe(2)
  // (posix/pipe.c), the devices /dev/zero and /dev/null (posix/openat.c) and
  // locks other processes see (posix/locks.c). Each answers a descriptor
  // (fd_pipe, fd_lock, fd_getlk: 0) or -errno.
  const anymmap: Record<string, (...args: never[]) => number> = {
    fd_dup: (fd: number, to: number, exact: number) => host.dup(fd >>> 0, to >>> 0, exact !== 0),
    fd_pipe: (fdsPtr: number) => {
      const fds = fdsPtr >>> 0;
      if (!memory || fds % 4 !== 0 || fds + 8 > memory.buffer.byteLength) return -WASI_ERRNO.EFAULT;
      const pipe = new Pipe();
      const r = host.openStream({ kind: "pipe", pipe, end: "read" });
      const w = host.openStream({ kind: "pipe", pipe, end: "write" });
      new Uint32Array(memory.buffer, fds, 2).set([r, w]);
      return 0;
    },
    fd_lock: (fd: number, kind: number, type: number, start: bigint, length: bigint, wait: number) => {
      const file = host.file(fd >>> 0);
      if (!file) return -WASI_ERRNO.EBADF;
      return hostCall(() => file.lock(kind, type, start, length, wait !== 0));
    },
    // Stores l_type, l_start, l_len and l_pid (int64s) at `outPtr`; l_type F_UNLCK when nothing conflicts.
    fd_getlk: (fd: number, type: number, start: bigint, length: bigint, outPtr: number) => {
      const file = host.file(fd >>> 0);
      if (!file) return -WASI_ERRNO.EBADF;
      const out = outPtr >>> 0;
      if (!memory || out % 8 !== 0 || out + 32 > memory.buffer.byteLength) return -WASI_ERRNO.EFAULT;
      return hostCall(() => {
        const held = file.testLock(type, start, length);
        if (typeof held === "number") return held;
        const view = new DataView(memory!.buffer, out, 32);
        view.setBigInt64(0, BigInt(held ? held.type : F_UNLCK), true);
        view.setBigInt64(8, held ? held.start : 0n, true);
        view.setBigInt64(16, held ? held.length : 0n, true);
        view.setBigInt64(24, BigInt(held ? held.pid : 0), true);
        return 0;
      });
    },
    // flags: 1 /dev/zero (else /dev/null), 2 readable, 4 writable.
    fd_device: (flags: number) =>
      host.openStream({ kind: flags & 1 ? "zero" : "null", readable: (flags & 2) !== 0, writable: (flags & 4) !== 0 }),
  };
  const env: Record<string, () => number> = {};
  const missing: string[] = [];
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.module === "env" && imp.kind === "function" && imp.name.startsWith("__syscall_")) {
      env[imp.name] = () => -WASI_ERRNO.ENOSYS;
    } else if (
      !(imp.module === "wasi_snapshot_preview1" && imp.name in wasi) &&
      !(imp.module === "anymmap" && imp.name in anymmap)
    ) {
      missing.push(`${imp.module}.${imp.name}`);
    }
  }
  if (missing.length > 0) {
    return {
      status: EXIT_CANNOT_RUN,
      error: `the program imports ${missing.join(", ")}, which no host provides (a function that was not defined when it was linked?)`,
    };
  }
  if (interrupt) {
    stopAtHostCalls(wasi as Record<string, unknown>, interrupt, CORE_WASI_CALLS);
    stopAtHostCalls(anymmap, interrupt, new Set());
  }
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(module, { ...imports, env, anymmap });
  } catch (e) {
    return {
      status: EXIT_CANNOT_RUN,
      error: `cannot instantiate the program: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
  const exports = instance.exports as {
    memory?: WebAssembly.Memory;
    _start?: () => void;
    anymmap_writeback_all?: () => number;
  };
  const _start = exports._start;
  if (!(exports.memory instanceof WebAssembly.Memory) || typeof _start !== "function") {
    return {
      status: EXIT_CANNOT_RUN,
      error: "not a WASI command: it exports no memory or no _start (build it with `anymmap cc`)",
    };
  }
  memory = exports.memory;
  host.setMemory(memory);
  try {
    _start();
    return { status: 0 };
  } catch (e) {
    // _exit(), _Exit() and traps skip the program's atexit write-back; Linux's page cache would keep those pages.
    writeBackAfterExit(exports.anymmap_writeback_all);
    if (e instanceof WasiExit) return { status: e.code & 0xff };
    if (e instanceof Interrupted) return { status: 128 + e.signal };
    return trapped(e);
  }
}

/** Writes dirty MAP_SHARED pages back after the program ended without exit(); nothing is left to report a failure to. */
function writeBackAfterExit(writeBackAll: (() => number) | undefined): void {
  try {
    writeBackAll?.();
  } catch {
    // A program that trapped in the middle of the engine's own bookkeeping: its pages are as the trap left them.
  }
}
