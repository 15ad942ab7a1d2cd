/**
 * The `anymmap` command: cat, cp, view, find and info, through mappings.
 */
import { statSync } from "node:fs";
import { constants } from "node:os";
import { basename, join } from "node:path";

import process from "node:process";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

import { isMmapError } from "../../core/contract/errors.js";
import { RUN_USAGE, runCommand, STOP_GRACE_MS, writeAll } from "../node-fs/run-command.js";
import { cc } from "./cc.js";
import { nodeNative } from "./native.js";
import { createInstance, version } from "./index.js";

const CHUNK = 1 << 20;

const USAGE = `usage: anymmap <command> [args]

  cat FILE...     print files through read-only mappings
  cp SRC DST      copy SRC to DST through two mappings (DST is grown first:
                  a mapping cannot append to a file); DST a directory
                  receives SRC's file name, as with cp(1)
  view FILE [--offset N] [--length N]
                  hexdump of a range, as xxd -s N -l N prints it, through a
                  windowed mapping (any file size; N may be 0x.., end in
                  k/m/g, and a negative offset counts from the end)
  find FILE TEXT [--hex]
                  offset of the first TEXT (hex bytes with --hex) in FILE, or
                  -1 (exit 1); a progress bar on a terminal
  info            runtime, backend, page size, version, window budget
  cc [EMCC ARGS]  compile and link a C program with anymmap's mmap and file
                  calls (emcc with the flags it needs), e.g.
                  anymmap cc -O2 prog.c -o prog.wasm
  run [--dir HOST[:GUEST]]... [--argv0 NAME] PROG.wasm [ARGS]
                  run a program built with \`anymmap cc\`
  help            this text
`;

function out(fd: number, bytes: Uint8Array | string): void {
  writeAll(fd, typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes);
}

function cat(files: string[]): number {
  if (files.length === 0) {
    out(2, "anymmap cat: missing FILE\n");
    return 2;
  }
  const space = createInstance();
  let status = 0;
  for (const path of files) {
    try {
      using handle = space.openSync(path, "r");
      const size = handle.size();
      if (size === 0) continue;
      using mapping = space.mmapSync(handle, { prot: "r", flags: "shared", length: size });
      // Closing the descriptor does not unmap: the mapping holds the file.
      handle.close();
      mapping.madvise("sequential");
      for (let at = 0; at < size; at += CHUNK) out(1, mapping.view(at, Math.min(CHUNK, size - at)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EPIPE") return status;
      out(2, `anymmap cat: ${path}: ${describe(e)}\n`);
      status = 1;
    }
  }
  return status;
}

function cp(args: string[]): number {
  if (args.length !== 2) {
    out(2, "anymmap cp: usage: anymmap cp SRC DST\n");
    return 2;
  }
  const [from, dest] = args as [string, string];
  // As cp(1): a directory as DST receives a file of SRC's name.
  const to = statSync(dest, { throwIfNoEntry: false })?.isDirectory() ? join(dest, basename(from)) : dest;
  const space = createInstance();
  try {
    using src = space.openSync(from, "r");
    const size = src.size();
    // Map the source before DST is created or truncated: a source that
    // cannot be mapped (a directory) must leave DST alone.
    using source = size > 0 ? space.mmapSync(src, { prot: "r", flags: "shared", length: size }) : undefined;
    if (sameFile(from, to)) {
      out(2, `anymmap cp: '${from}' and '${to}' are the same file\n`);
      return 1;
    }
    using dst = space.openSync(to, "w+");
    if (!source) return 0;
    dst.truncate(size);
    using target = space.mmapSync(dst, { prot: "rw", flags: "shared", length: size });
    source.madvise("sequential");
    for (let at = 0; at < size; at += CHUNK) {
      const n = Math.min(CHUNK, size - at);
      target.write(source.view(at, n), at);
    }
    target.msync("sync");
    return 0;
  } catch (e) {
    out(2, `anymmap cp: ${describe(e)}\n`);
    return 1;
  }
}

function sameFile(a: string, b: string): boolean {
  const x = statSync(a, { throwIfNoEntry: false });
  const y = statSync(b, { throwIfNoEntry: false });
  return x !== undefined && y !== undefined && x.dev === y.dev && x.ino === y.ino;
}

function info(): number {
  const i = createInstance().info();
  const why = i.nativeUnavailable === undefined ? "" : `native: not in use: ${i.nativeUnavailable}\n`;
  out(
    1,
    `anymmap ${version}\nruntime: ${i.runtime}\nbackend: ${i.backend}\n${why}page size: ${i.pageSize}\nwindow budget: ${i.windowBudget}\n`,
  );
  return 0;
}

const SIZE_SUFFIX: Record<string, number> = { "": 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** A byte count: decimal or 0x hex, optionally with a k/m/g/t (binary) suffix; null when malformed. */
function byteCount(text: string): number | null {
  const m = /^(-?)(0x[0-9a-f]+|\d+)([kmgt]?)$/i.exec(text);
  if (!m) return null;
  const n = Number(m[2]) * SIZE_SUFFIX[m[3]!.toLowerCase()]!;
  if (!Number.isSafeInteger(n)) return null;
  return m[1] === "-" ? -n : n;
}

/** Options `--name value` / `--name=value`; the rest are positional. Null (after a message) on a usage error. */
function options(
  command: string,
  args: string[],
  known: string[],
  flags: string[] = [],
): { named: Map<string, string>; rest: string[] } | null {
  const named = new Map<string, string>();
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith("--")) {
      rest.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (flags.includes(name)) named.set(name, "");
    else if (known.includes(name)) {
      const value = inline ?? args[++i];
      if (value === undefined) {
        out(2, `anymmap ${command}: --${name} needs a value\n`);
        return null;
      }
      named.set(name, value);
    } else {
      out(2, `anymmap ${command}: unknown option --${name}\n`);
      return null;
    }
  }
  return { named, rest };
}

/** One xxd line: offset, 16 bytes as 8 groups of two, the printable characters. */
function hexLine(offset: number, bytes: Uint8Array): string {
  let hex = "";
  let text = "";
  for (let i = 0; i < 16; i++) {
    if (i > 0 && i % 2 === 0) hex += " ";
    if (i < bytes.length) {
      const b = bytes[i]!;
      hex += b.toString(16).padStart(2, "0");
      text += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".";
    } else hex += "  ";
  }
  return `${offset.toString(16).padStart(8, "0")}: ${hex}  ${text}\n`;
}

function view(args: string[]): number {
  const parsed = options("view", args, ["offset", "length"]);
  if (!parsed) return 2;
  if (parsed.rest.length !== 1) {
    out(2, "anymmap view: usage: anymmap view FILE [--offset N] [--length N]\n");
    return 2;
  }
  const values: Record<string, number> = {};
  for (const [name, text] of parsed.named) {
    const n = byteCount(text);
    if (n === null || (name === "length" && n < 0)) {
      out(
        2,
        `anymmap view: --${name} must be a byte count (123, 0x7b, 4k, 2g${name === "offset" ? ", or negative from the end" : ""}), got '${text}'\n`,
      );
      return 2;
    }
    values[name] = n;
  }
  const path = parsed.rest[0]!;
  const space = createInstance();
  try {
    using handle = space.openSync(path, "r");
    const size = handle.size();
    let start = values.offset ?? 0;
    if (start < 0) start = Math.max(0, size + start);
    const end = Math.min(size, start + (values.length ?? size));
    if (start >= end) return 0;
    // The mapping starts at the page holding `start`; windows keep memory within the budget whatever the range.
    const base = start - (start % space.pageSize);
    using mapping = space.mmapWindowedSync(handle, { offset: base, length: end - base });
    const chunk = new Uint8Array(64 * 1024);
    for (let at = start; at < end; ) {
      const n = mapping.readInto(chunk.subarray(0, Math.min(chunk.length, end - at)), at - base);
      let text = "";
      for (let i = 0; i < n; i += 16) text += hexLine(at + i, chunk.subarray(i, Math.min(n, i + 16)));
      out(1, text);
      at += n;
    }
    return 0;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EPIPE") return 0;
    out(2, `anymmap view: ${path}: ${describe(e)}\n`);
    return 1;
  }
}

/** Draws a progress bar on stderr when it is a terminal. */
function progressBar(label: string): ((done: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let shown = -1;
  return (done, total) => {
    const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (percent === shown) return;
    shown = percent;
    const width = 30;
    const filled = Math.round((percent / 100) * width);
    out(
      2,
      `\r${label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${String(percent).padStart(3)}%${percent === 100 ? "\n" : ""}`,
    );
  };
}

function find(args: string[]): number {
  const parsed = options("find", args, [], ["hex"]);
  if (!parsed) return 2;
  if (parsed.rest.length !== 2) {
    out(2, "anymmap find: usage: anymmap find FILE TEXT [--hex]\n");
    return 2;
  }
  const [path, text] = parsed.rest as [string, string];
  let needle: Uint8Array | string = text;
  if (parsed.named.has("hex")) {
    const digits = text.replace(/\s+/g, "");
    if (!/^([0-9a-f]{2})+$/i.test(digits)) {
      out(2, `anymmap find: --hex wants pairs of hex digits, got '${text}'\n`);
      return 2;
    }
    needle = Uint8Array.from(digits.match(/../g)!, (h) => parseInt(h, 16));
  }
  const space = createInstance();
  try {
    using handle = space.openSync(path, "r");
    // An empty file has no mapping; the empty pattern is found at 0 as the API's find() and indexOf() find it.
    if (handle.size() === 0) {
      const at = needle.length === 0 ? 0 : -1;
      out(1, `${at}\n`);
      return at < 0 ? 1 : 0;
    }
    using mapping = space.mmapWindowedSync(handle);
    const at = mapping.find(needle, 0, undefined, { onProgress: progressBar(`searching ${path}`) });
    out(1, `${at}\n`);
    return at < 0 ? 1 : 0;
  } catch (e) {
    out(2, `anymmap find: ${path}: ${describe(e)}\n`);
    return 1;
  }
}

function describe(e: unknown): string {
  if (isMmapError(e)) return e.message;
  return e instanceof Error ? e.message : String(e);
}

/** Runs the command line `args` (without node and script); resolves to the exit status. Node. */
export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case "cat":
      return cat(rest);
    case "cp":
      return cp(rest);
    case "view":
      return view(rest);
    case "find":
      return find(rest);
    case "info":
      return info();
    case "cc":
      if (rest.length === 0) {
        out(2, `anymmap cc: no input files\n${USAGE}`);
        return 2;
      }
      return cc(rest, (m) => out(2, m));
    case "run":
      if (rest[0] === "--help" || rest[0] === "-h") {
        out(1, RUN_USAGE);
        return 0;
      }
      return runOnLargeStack(rest);
    case "help":
    case "--help":
    case "-h":
      out(1, USAGE);
      return 0;
    case "--version":
      out(1, `${version}\n`);
      return 0;
    default:
      out(2, command === undefined ? USAGE : `anymmap: unknown command '${command}'\n${USAGE}`);
      return 2;
  }
}

/**
 * How deep a program recurses is bounded by the engine's stack too (every
 * WebAssembly frame lives there): Node's main thread stopped a small
 * recursive function at about 30,000 calls, where Linux's 8 MiB stack goes
 * past 200,000 (jq's tests nest 10,000 deep). On a thread with a 64 MiB
 * stack the program's own 8 MiB stack is the limit, as on Linux.
 */
const RUN_STACK_MB = 64;

const STOPPING_SIGNALS = ["SIGINT", "SIGTERM"] as const;

/**
 * `anymmap run` on a worker thread with a large stack; resolves to the
 * program's exit status. SIGINT and SIGTERM stop the program at its next
 * host call, so that what it stored through MAP_SHARED reaches the file as
 * Linux's page cache would keep it, and then the process dies of the
 * signal, as the program would have.
 */
function runOnLargeStack(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    let status = 1;
    const interrupt = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(new URL(import.meta.url), {
      workerData: { anymmapRun: args, interrupt },
      resourceLimits: { stackSizeMb: RUN_STACK_MB },
    });
    let received: NodeJS.Signals | undefined;
    const listeners = STOPPING_SIGNALS.map((signal) => {
      const listener = (): void => {
        if (received !== undefined) {
          dieOf(signal);
          return;
        }
        received = signal;
        Atomics.store(interrupt, 0, constants.signals[signal]);
        Atomics.notify(interrupt, 0);
        setTimeout(() => dieOf(signal), STOP_GRACE_MS).unref();
      };
      process.on(signal, listener);
      return [signal, listener] as const;
    });
    const stopListening = (): void => {
      for (const [signal, listener] of listeners) process.removeListener(signal, listener);
    };
    const dieOf = (signal: NodeJS.Signals): void => {
      stopListening();
      process.kill(process.pid, signal);
    };
    worker.on("message", (s: number) => {
      status = s;
    });
    worker.on("error", (e) => out(2, `anymmap run: ${e instanceof Error ? e.message : String(e)}\n`));
    worker.on("exit", () => {
      if (received !== undefined) return dieOf(received);
      stopListening();
      resolve(status);
    });
  });
}

// The worker runOnLargeStack starts: this module again, on its own thread (stdio through fds 0-2, synchronously).
if (!isMainThread && Array.isArray((workerData as { anymmapRun?: unknown } | null)?.anymmapRun)) {
  const { anymmapRun: args, interrupt } = workerData as { anymmapRun: string[]; interrupt: Int32Array };
  parentPort?.postMessage(runCommand(args, { env: process.env, native: nodeNative, interrupt }));
}
