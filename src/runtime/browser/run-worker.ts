/**
 * `anymmap run` for browsers: a dedicated worker (dist/run-worker.js) that
 * runs a program built with `anymmap cc` over an in-memory directory, which
 * the program sees as its working directory "." and as "/work". A page
 * starts it and posts a RunRequest; the worker answers each with a RunReply
 * (a page may post again: each request starts from the files it brings):
 *
 *   const w = new Worker(new URL("anymmap/dist/run-worker.js", import.meta.url), { type: "module" });
 *   w.postMessage({ wasm: await (await fetch("prog.wasm")).arrayBuffer(), runs: [["prog", "arg"]], files: { "in.txt": bytes } });
 *   w.onmessage = (e) => console.log(new TextDecoder().decode(e.data.results[0].stdout));
 */
import { runProgram, withRunDirs } from "../../wasi/program.js";
import { MemoryDir } from "./memory-dir.js";

/** One run: argv (argv[0] included) and what it reads on stdin (default: nothing, end of input at once). Browsers. */
export interface Run {
  args: string[];
  /** The whole of stdin, as a shell's `<` or `|` would give it; a string is sent as UTF-8. */
  stdin?: Uint8Array | string;
  /**
   * The largest size in bytes the run's writes may give a file, as `ulimit -f`
   * (with SIGXFSZ ignored): a write stops there, one past it fails with EFBIG.
   * Default: none.
   */
  fileSizeLimit?: number;
}

/**
 * What a page posts: the module, the successive runs (an argument list, argv[0]
 * included, or a Run with stdin), the files and directories to start with. Browsers.
 */
export interface RunRequest {
  wasm: ArrayBuffer | Uint8Array;
  runs: (string[] | Run)[];
  files?: Record<string, Uint8Array>;
  /** Directories to create first, parents included: empty ones, which `files` cannot carry. */
  dirs?: string[];
  env?: Record<string, string>;
}

/** One run's output, exit status and, when it did not exit normally, why. Browsers. */
export interface RunResult {
  stdout: Uint8Array;
  stderr: Uint8Array;
  status: number;
  error?: string;
}

/**
 * The worker's answer: one result per run, and the directory afterwards: every
 * file, and every directory (empty ones too). Posting `files` and `dirs` back
 * with the next request continues from there. Browsers.
 */
export interface RunReply {
  results: RunResult[];
  files: Record<string, Uint8Array>;
  dirs: string[];
  error?: string;
}

/** A stdin that reads `bytes` and then is at end of input. */
function stdinOf(input: Uint8Array | string | undefined): ((into: Uint8Array) => number) | undefined {
  if (input === undefined) return undefined;
  const bytes = typeof input === "string" ? new TextEncoder().encode(input) : input;
  let at = 0;
  return (into) => {
    const n = Math.min(into.length, bytes.length - at);
    into.set(bytes.subarray(at, at + n));
    at += n;
    return n;
  };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

interface WorkerScope {
  onmessage: ((e: { data: RunRequest }) => void) | null;
  postMessage(message: RunReply): void;
}
// A dedicated worker's global scope (the DOM types are not part of this build).
const scope = globalThis as unknown as WorkerScope;

scope.onmessage = (e) => {
  const { wasm, runs, files = {}, dirs = [], env = {} } = e.data;
  let reply: RunReply;
  try {
    const module = new WebAssembly.Module(wasm);
    const dir = new MemoryDir();
    for (const path of dirs) dir.writeDir(path);
    for (const [path, bytes] of Object.entries(files)) dir.writeFile(path, bytes);
    const results = runs.map((run): RunResult => {
      const { args, stdin, fileSizeLimit } = Array.isArray(run) ? ({ args: run } as Run) : run;
      dir.fileSizeLimit = fileSizeLimit ?? Number.POSITIVE_INFINITY;
      const out: Uint8Array[] = [];
      const err: Uint8Array[] = [];
      const r = runProgram(module, {
        args,
        env,
        preopens: withRunDirs(
          [
            { name: ".", dir },
            { name: "/work", dir },
          ],
          () => {
            // Linux's RLIMIT_FSIZE limits /dev/shm's files (tmpfs) too.
            const shm = new MemoryDir();
            shm.fileSizeLimit = dir.fileSizeLimit;
            return shm;
          },
        ),
        stdout: (b) => out.push(b),
        stderr: (b) => err.push(b),
        stdin: stdinOf(stdin),
        // Collected bytes, as a shell's pipes would be: no terminal (isatty 0).
        terminals: [],
      });
      return { stdout: concat(out), stderr: concat(err), status: r.status, ...(r.error ? { error: r.error } : {}) };
    });
    reply = { results, files: Object.fromEntries(dir.files()), dirs: dir.directories() };
  } catch (x) {
    reply = { results: [], files: {}, dirs: [], error: x instanceof Error ? x.message : String(x) };
  }
  scope.postMessage(reply);
};
