/**
 * `anymmap run` for browsers: a dedicated worker (dist/run-worker.js) that
 * runs a program built with `anymmap cc` over an in-memory directory, which
 * the program sees as its working directory "." and as "/work". A page
 * starts it and posts one RunRequest; the worker answers one RunReply:
 *
 *   const w = new Worker(new URL("anymmap/dist/run-worker.js", import.meta.url), { type: "module" });
 *   w.postMessage({ wasm: await (await fetch("prog.wasm")).arrayBuffer(), runs: [["prog", "arg"]], files: { "in.txt": bytes } });
 *   w.onmessage = (e) => console.log(new TextDecoder().decode(e.data.results[0].stdout));
 */
import { runProgram, withSharedMemoryDir } from "../../wasi/program.js";
import { MemoryDir } from "./memory-dir.js";

/** What a page posts: the module, the argument lists of successive runs (argv[0] included), the files to start with. Browsers. */
export interface RunRequest {
  wasm: ArrayBuffer | Uint8Array;
  runs: string[][];
  files?: Record<string, Uint8Array>;
  env?: Record<string, string>;
}

/** One run's output, exit status and, when it did not exit normally, why. Browsers. */
export interface RunResult {
  stdout: Uint8Array;
  stderr: Uint8Array;
  status: number;
  error?: string;
}

/** The worker's answer: one result per run, and every file of the directory afterwards. Browsers. */
export interface RunReply {
  results: RunResult[];
  files: Record<string, Uint8Array>;
  error?: string;
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
  const { wasm, runs, files = {}, env = {} } = e.data;
  let reply: RunReply;
  try {
    const module = new WebAssembly.Module(wasm);
    const dir = new MemoryDir();
    for (const [path, bytes] of Object.entries(files)) dir.writeFile(path, bytes);
    const results = runs.map((args): RunResult => {
      const out: Uint8Array[] = [];
      const err: Uint8Array[] = [];
      const r = runProgram(module, {
        args,
        env,
        preopens: withSharedMemoryDir(
          [
            { name: ".", dir },
            { name: "/work", dir },
          ],
          () => new MemoryDir(),
        ),
        stdout: (b) => out.push(b),
        stderr: (b) => err.push(b),
      });
      return { stdout: concat(out), stderr: concat(err), status: r.status, ...(r.error ? { error: r.error } : {}) };
    });
    reply = { results, files: Object.fromEntries(dir.files()) };
  } catch (x) {
    reply = { results: [], files: {}, error: x instanceof Error ? x.message : String(x) };
  }
  scope.postMessage(reply);
};
