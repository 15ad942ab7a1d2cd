import * as fs from "node:fs";
import { isatty } from "node:tty";
import type { NativeMman } from "../../core/engines/native-mman.js";
import type { HostDir } from "../../wasi/host-dir.js";
import type { HostFileOptions } from "../../wasi/host-file.js";
import { MemoryDir } from "../../wasi/memory-dir.js";
import { type ProgramResult, runProgram, withRunDirs } from "../../wasi/program.js";
import { HostLocks, type NativeLocks } from "./host-locks.js";
import { NodeHostDir } from "./node-dir.js";
import { type FsErrors, NODE_ERRORS, NodeHostFile } from "./node-file.js";

/** Usage of `anymmap run`, shared by every runtime's runner. Node, Bun, Deno. */
export const RUN_USAGE = `usage: anymmap run [--dir HOST_DIR[:GUEST_DIR]]... [--argv0 NAME] PROGRAM.wasm [ARGS...]

  Runs a program built with \`anymmap cc\`. Each --dir gives it a host
  directory under the name GUEST_DIR (default: HOST_DIR as written, so
  \`--dir .\` makes relative paths work). --argv0 NAME is the program's
  argv[0] (default: PROGRAM.wasm as written), for programs that act by
  the name they are called (zstdcat, busybox). Everything after
  PROGRAM.wasm is the program's, \`--\` and \`--dir\` included; a \`--\`
  before it ends anymmap's options.
`;

/** What a runner needs from its runtime. Node, Bun, Deno. */
export interface RunEnvironment {
  env: Record<string, string | undefined>;
  /** How node:fs errors become errnos in this runtime (default: Node's). */
  errors?: FsErrors;
  /**
   * Opens the runtime's native library, for locks other processes see
   * (HostLocks) and, in runCommandOnThisThread, for stopping signals; throws
   * when it cannot. Without it, or when it throws, the program's locks stay
   * process-local.
   */
  native?: () => NativeLocks & Pick<NativeMman, "stopSignals" | "dieOf">;
  /** Set by another thread to a signal's number to stop the program as that signal would (ProgramOptions.interrupt). */
  interrupt?: Int32Array;
}

/**
 * How long a signalled program has to reach its next host call, where it
 * stops and writes its dirty MAP_SHARED pages back, before the process dies
 * of the signal without them (a program computing without calling the host,
 * or blocked reading a terminal). A second signal does not wait.
 */
export const STOP_GRACE_MS = 2000;

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes all of `bytes` to `fd`, waiting while a non-blocking pipe is full
 * (Node leaves stdout pipes non-blocking, so writeSync can fail with EAGAIN
 * when the reader is slow). Node, Bun, Deno.
 */
export function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length; ) {
    try {
      done += fs.writeSync(fd, bytes, done, bytes.length - done);
    } catch (e) {
      if ((e as { code?: string }).code !== "EAGAIN") throw e;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

/**
 * Reads stdin as a blocking read(2) does: a non-blocking pipe with nothing
 * in it yet (Node opens stdin pipes non-blocking) waits for data or end of
 * input instead of reading as end of input, which cut `a | b` pipelines
 * short whenever `a` had not written yet. Node, Bun, Deno.
 */
function readStdin(into: Uint8Array): number {
  for (;;) {
    try {
      return fs.readSync(0, into, 0, into.length, null);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === "EOF") return 0;
      if (code !== "EAGAIN") throw e;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

/**
 * stdin, stdout or stderr when it is a regular file (`prog < in > out`):
 * the program's descriptor is that file, as on Linux (fstat, lseek and mmap
 * work). The open file description's offset is shared with the shell
 * (`while read l; do prog; done < file`, `{ prog; echo done; } > log`) and
 * the runtimes' fs has no lseek, so it is kept where Linux leaves it the
 * way it can be: I/O where it stands goes through it; a read or write
 * further on first reads up to there, or writes the zeros a hole would read
 * as (past the end of the file only); I/O before it, or over bytes the file
 * already has, is positioned and leaves it where it was.
 */
class RedirectedStdio extends NodeHostFile {
  readonly #stdio: number;
  #shared: number;

  constructor(stdio: number, shared: number, options: HostFileOptions, errors: FsErrors, locks?: HostLocks) {
    super(stdio, options, errors, locks);
    this.#stdio = stdio;
    this.#shared = shared;
  }

  override pread(dst: Uint8Array, offset: number): number {
    if (offset > this.#shared && offset - this.#shared <= MAX_SHARED_GAP) this.#advance(offset, "read");
    if (offset !== this.#shared) return super.pread(dst, offset);
    return this.#atShared(dst, "read");
  }

  override pwrite(src: Uint8Array, offset: number): number {
    if (this.append) return this.#atShared(src, "write");
    if (offset > this.#shared && offset - this.#shared <= MAX_SHARED_GAP) {
      const stat = this.stat();
      if (typeof stat !== "number" && stat.size <= this.#shared) this.#advance(offset, "write");
    }
    if (offset !== this.#shared) return super.pwrite(src, offset);
    return this.#atShared(src, "write");
  }

  /** The process's own descriptor outlives the program: the runner still reports on stderr, and Node writes there. */
  override close(): number {
    return 0;
  }

  /** Moves the shared offset up to `to` by reading the bytes between, or writing zeros there; stops short at the end of input or an error. */
  #advance(to: number, how: "read" | "write"): void {
    const chunk = new Uint8Array(Math.min(to - this.#shared, 1 << 16));
    while (this.#shared < to) {
      const length = Math.min(chunk.length, to - this.#shared);
      if (this.#atShared(chunk.subarray(0, length), how) <= 0) return;
    }
  }

  /** Reads or writes `bytes` at the description's offset, moving it; bytes done, or -errno. */
  #atShared(bytes: Uint8Array, how: "read" | "write"): number {
    let done = 0;
    try {
      while (done < bytes.length) {
        const n =
          how === "read"
            ? fs.readSync(this.#stdio, bytes, done, bytes.length - done, null)
            : fs.writeSync(this.#stdio, bytes, done, bytes.length - done, null);
        if (n === 0) break;
        done += n;
      }
    } catch (e) {
      if (done === 0) return -this.errors.map(e);
    }
    this.#shared += done;
    return done;
  }
}

/** How far ahead of the shared offset a read or write still moves it (reading, or writing zeros, the bytes between). */
const MAX_SHARED_GAP = 64 << 20;

/**
 * stdin, stdout and stderr that are regular files, as files at the offsets
 * the shell left, with their access modes (Linux's /proc/self/fdinfo tells
 * both); the others, and all of them where /proc cannot be read (not Linux,
 * Deno without -A), stay streams.
 */
function stdioFiles(
  errors: FsErrors,
  locks: HostLocks | undefined,
): Map<number, { file: NodeHostFile; position: number }> {
  const files = new Map<number, { file: NodeHostFile; position: number }>();
  for (const stdio of [0, 1, 2]) {
    try {
      if (!fs.fstatSync(stdio).isFile()) continue;
      const info = fs.readFileSync(`/proc/self/fdinfo/${stdio}`, "utf8");
      const pos = /^pos:\s*(\d+)/m.exec(info)?.[1];
      const flags = /^flags:\s*([0-7]+)/m.exec(info)?.[1];
      if (pos === undefined || flags === undefined) continue;
      const bits = Number.parseInt(flags, 8);
      const access = bits & 3; // O_ACCMODE: 0 read, 1 write, 2 both
      const options = { readable: access !== 1, writable: access !== 0, append: (bits & 0o2000) !== 0 };
      const position = Number(pos);
      files.set(stdio, { file: new RedirectedStdio(stdio, position, options, errors, locks), position });
    } catch {
      // A stream, as before.
    }
  }
  return files;
}

/**
 * `anymmap run`: parses `args`, runs the program over node:fs with the
 * process's stdio, and returns its exit status (2 for a usage error, 126
 * when it cannot start, 128 + the signal Linux would kill it with when it
 * traps, as a shell reports them).
 * Node, Bun and Deno.
 */
export function runCommand(args: string[], environment: RunEnvironment): number {
  const errors = environment.errors ?? NODE_ERRORS;
  const locks = environment.native ? new HostLocks(environment.native) : undefined;
  const preopens: { name: string; dir: HostDir }[] = [];
  const rest: string[] = [];
  let program: string | undefined;
  let argv0: string | undefined;
  let literal = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    // After the program, every argument is the program's (as env(1) and wasmtime run pass them).
    if (program !== undefined) {
      rest.push(a);
    } else if (!literal && a === "--") {
      literal = true;
    } else if (!literal && (a === "--dir" || a.startsWith("--dir="))) {
      const spec = a === "--dir" ? args[++i] : a.slice(6);
      if (!spec) {
        writeAll(2, new TextEncoder().encode(`anymmap run: --dir needs HOST_DIR[:GUEST_DIR]\n${RUN_USAGE}`));
        return 2;
      }
      const colon = spec.indexOf(":");
      const host = colon < 0 ? spec : spec.slice(0, colon);
      const guest = colon < 0 ? spec : spec.slice(colon + 1);
      if (!fs.statSync(host, { throwIfNoEntry: false })?.isDirectory()) {
        writeAll(2, new TextEncoder().encode(`anymmap run: --dir ${spec}: '${host}' is not a directory\n`));
        return 2;
      }
      preopens.push({ name: guest || host, dir: new NodeHostDir(host, errors, locks) });
    } else if (!literal && (a === "--argv0" || a.startsWith("--argv0="))) {
      argv0 = a === "--argv0" ? args[++i] : a.slice(8);
      if (argv0 === undefined) {
        writeAll(2, new TextEncoder().encode(`anymmap run: --argv0 needs a name\n${RUN_USAGE}`));
        return 2;
      }
    } else {
      program = a;
    }
  }
  if (program === undefined) {
    writeAll(2, new TextEncoder().encode(RUN_USAGE));
    return 2;
  }
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(fs.readFileSync(program));
  } catch (e) {
    writeAll(2, new TextEncoder().encode(`anymmap run: ${program}: ${e instanceof Error ? e.message : String(e)}\n`));
    return 126;
  }
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(environment.env)) if (v !== undefined) env[k] = v;
  let result: ProgramResult;
  try {
    result = runProgram(module, {
      args: [argv0 ?? program, ...rest],
      env,
      preopens: withRunDirs(preopens, () => new MemoryDir()),
      stdout: (b) => writeAll(1, b),
      stderr: (b) => writeAll(2, b),
      stdin: readStdin,
      stdioFiles: stdioFiles(errors, locks),
      terminals: [0, 1, 2].filter((fd) => isatty(fd)),
      mapError: errors.map,
      interrupt: environment.interrupt,
    });
  } finally {
    locks?.close();
  }
  if (result.error) writeAll(2, new TextEncoder().encode(`anymmap run: ${program}: ${result.error}\n`));
  return result.status;
}

/**
 * runCommand on the calling thread, for runners whose program runs on the
 * runtime's main thread (Deno, Bun), where no signal listener runs while it
 * computes: the native library catches SIGINT and SIGTERM instead, the
 * program stops at its next host call with its dirty MAP_SHARED pages
 * written back, and the process dies of the signal, as the program would
 * have. Without the native library (Deno without --allow-ffi) a signal
 * kills the process at once, unsynced pages lost. Bun, Deno.
 */
export function runCommandOnThisThread(args: string[], environment: RunEnvironment): number {
  let native: ReturnType<NonNullable<RunEnvironment["native"]>> | undefined;
  let stop: Int32Array | undefined;
  try {
    native = environment.native?.();
    stop = native?.stopSignals?.(STOP_GRACE_MS);
  } catch {
    // No native library: signals keep their default action.
  }
  const status = runCommand(args, {
    ...environment,
    ...(native ? { native: () => native } : {}),
    ...(stop ? { interrupt: stop } : {}),
  });
  const signal = stop?.[0] ?? 0;
  if (signal !== 0) native?.dieOf?.(signal);
  return status;
}
