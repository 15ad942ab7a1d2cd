/**
 * anymmap for browsers: the WASM engine over the origin private file system
 * (OPFS), Files and Blobs, and anonymous memory. In a dedicated worker
 * everything is synchronous after one `await init()`; on the main thread
 * file pages are loaded ahead with `await mapping.load(...)`.
 */
import { createEntry, version } from "../../core/contract/entry.js";
import { browser, crossOriginIsolated, inDedicatedWorker } from "./dom.js";
import { BrowserInstance, type BrowserEntryTypes, type BrowserEnvironment } from "./instance.js";
import { OpfsAgent } from "./opfs-agent.js";
import { loadWasm, type WasmSource } from "./wasm.js";

export * from "../../core/contract/constants.js";
export { MmapError, isMmapError } from "../../core/contract/errors.js";
export type * from "../../core/contract/api.js";
export { pageSize, version } from "../../core/contract/entry.js";
export type {
  BrowserAnymmap,
  BrowserEntryTypes,
  BrowserMapSource,
  BrowserMapping,
  BrowserOpenSource,
} from "./instance.js";
export type { FileSystemDirectoryHandle, FileSystemFileHandle, SyncAccessHandle, WritableFileStream } from "./dom.js";
export type { WasmSource } from "./wasm.js";

function context(): string {
  if (inDedicatedWorker()) return "dedicated worker";
  if (browser().WorkerGlobalScope !== undefined) return "worker";
  return "main thread";
}

let agent: OpfsAgent | undefined;
let agentProblem: string | undefined;
let agentStart: Promise<void> | undefined;

/** Starts the OPFS agent once where it can work; remembers why not otherwise. */
function startAgent(): Promise<void> {
  if (!inDedicatedWorker()) {
    // Only dedicated workers have sync access handles and may block in Atomics.wait.
    const where = context() === "main thread" ? "the main thread" : "a shared or service worker";
    agentProblem = `${where} has no synchronous file access: use \`await mmap(...)\` / \`await open(...)\`, then \`await mapping.load(offset, length)\` before views (or use a dedicated worker)`;
    return Promise.resolve();
  }
  if (!crossOriginIsolated()) {
    agentProblem =
      "synchronous OPFS paths need SharedArrayBuffer, which needs a cross-origin isolated page: serve it with `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`; or open the path with `await open(path)` / `await mmap(path)`";
    return Promise.resolve();
  }
  agentStart ??= OpfsAgent.start().then(
    (a) => {
      agent = a;
      agentProblem = undefined;
    },
    (e: unknown) => {
      agentStart = undefined;
      agentProblem = `the OPFS helper worker for synchronous paths could not start (${e instanceof Error ? e.message : String(e)}); open the path with \`await open(path)\` / \`await mmap(path)\` instead`;
    },
  );
  return agentStart;
}

/**
 * Loads `anymmap.wasm` once: by default from beside this module
 * (`new URL("./anymmap.wasm", import.meta.url)`), or from the URL,
 * `Response`, bytes or compiled `WebAssembly.Module` given. Concurrent
 * calls share one load; after a failure the next call retries. In a
 * cross-origin isolated dedicated worker it also starts the helper worker
 * that makes OPFS paths synchronous (`openSync(path)`, `mmapSync(path)`).
 * Every async call runs it; call it yourself before the first `...Sync`
 * call, or to choose where the `.wasm` comes from. `sharedSource` loads
 * `anymmap-shared.wasm` too (from there), for instances made with
 * `createInstance({ sharedMemory: true })`, which otherwise load it beside
 * this module on their first async call. Browsers.
 */
export async function init(source?: WasmSource, sharedSource?: WasmSource): Promise<void> {
  await loadWasm(source);
  if (sharedSource !== undefined) await loadWasm(sharedSource, "shared");
  await startAgent();
}

const env: BrowserEnvironment = {
  runtime: `browser (${context()})`,
  version,
  init: () => init(),
  agent: () =>
    agent ??
    agentProblem ??
    "call `await init()` first in this worker: it starts the helper worker that makes OPFS paths synchronous",
};

const entry = createEntry<BrowserEntryTypes>((options) => new BrowserInstance(env, options));

export const {
  /** The default address space's backend: always "wasm" in browsers. */
  backend,
  createInstance,
  mmapSync,
  mmap,
  mmapWindowedSync,
  mmapWindowed,
  openSync,
  open,
  munmap,
  msync,
  mprotect,
  madvise,
  mincore,
  attach,
  info,
  hostIO,
} = entry;

/** Waits until every OPFS write queued on the main thread by the default address space is on storage. Browsers. */
export function flush(): Promise<void> {
  return entry.defaultInstance().flush();
}
