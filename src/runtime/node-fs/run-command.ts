import * as fs from "node:fs";
import { isatty } from "node:tty";
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
   * (HostLocks); throws when it cannot. Without it, or when it throws, the
   * program's locks stay process-local.
   */
  native?: () => NativeLocks;
  /** Set by another thread to a signal's number to stop the program as that signal would (ProgramOptions.interrupt). */
  interrupt?: Int32Array;
}

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
 * stdin when it is a regular file (`prog < file`): the program's fd 0 is
 * that file, as on Linux (fstat, lseek and mmap work). A read where the
 * open file description's offset stands reads at it and moves it, so that
 * what the program consumed is consumed for the shell too
 * (`while read l; do prog; done < file`); reads elsewhere (after a seek)
 * are positioned and leave it, as does everything else: there is no lseek
 * in the runtimes' fs. Where that offset cannot be known, the file stays a
 * stream (stdinFile).
 */
class RedirectedStdin extends NodeHostFile {
  #shared: number;

  constructor(shared: number, options: HostFileOptions, errors: FsErrors, locks: HostLocks | undefined) {
    super(0, options, errors, locks);
    this.#shared = shared;
  }

  override pread(dst: Uint8Array, offset: number): number {
    if (offset !== this.#shared) return super.pread(dst, offset);
    try {
      let done = 0;
      while (done < dst.length) {
        const n = fs.readSync(0, dst, done, dst.length - done, null);
        if (n === 0) break;
        done += n;
      }
      this.#shared += done;
      return done;
    } catch (e) {
      return -this.errors.map(e);
    }
  }
}

/**
 * fd 0 as a file for a regular file redirected into stdin, at the offset the
 * shell left (Linux's /proc/self/fdinfo/0 tells it, and the access mode);
 * undefined for terminals, pipes and the rest, and where /proc cannot be
 * read (not Linux, Deno without -A), for those read stdin as a stream.
 */
function stdinFile(
  errors: FsErrors,
  locks: HostLocks | undefined,
): { file: NodeHostFile; position: number } | undefined {
  try {
    if (!fs.fstatSync(0).isFile()) return undefined;
    const info = fs.readFileSync("/proc/self/fdinfo/0", "utf8");
    const pos = /^pos:\s*(\d+)/m.exec(info)?.[1];
    const flags = /^flags:\s*([0-7]+)/m.exec(info)?.[1];
    if (pos === undefined || flags === undefined) return undefined;
    const bits = Number.parseInt(flags, 8);
    const access = bits & 3; // O_ACCMODE: 0 read, 1 write, 2 both
    const options = { readable: access !== 1, writable: access !== 0, append: (bits & 0o2000) !== 0 };
    const position = Number(pos);
    return { file: new RedirectedStdin(position, options, errors, locks), position };
  } catch {
    return undefined;
  }
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
      stdinFile: stdinFile(errors, locks),
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
