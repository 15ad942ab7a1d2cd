/**
 * anymmap for browsers: the WASM engine over the origin private file system
 * (OPFS), Files and Blobs, and anonymous memory. In a dedicated worker
 * everything is synchronous after one `await init()`; on the main thread
 * file pages are loaded ahead with `await mapping.load(...)`.
 */
import type { EntryPoint, FileHandle, HostIOStats, Info, InstanceOptions, MapOptions, OpenFlags, Prot, SharedMemoryHandle, WindowedMapping, WindowedOptions } from "../../core/api.js";
import { browser, crossOriginIsolated, inDedicatedWorker } from "./dom.js";
import {
  type BrowserAnymmap,
  type BrowserMapSource,
  type BrowserMapping,
  type BrowserOpenSource,
  BrowserInstance,
  type BrowserEnvironment,
} from "./instance.js";
import { OpfsAgent } from "./opfs-agent.js";
import { loadWasm, type WasmSource } from "./wasm.js";

export * from "../../core/constants.js";
export { MmapError, isMmapError } from "../../core/errors.js";
export type * from "../../core/api.js";
export type { BrowserAnymmap, BrowserMapSource, BrowserMapping, BrowserOpenSource } from "./instance.js";
export type { FileSystemDirectoryHandle, FileSystemFileHandle, SyncAccessHandle, WritableFileStream } from "./dom.js";
export type { WasmSource } from "./wasm.js";

declare const __ANYMMAP_VERSION__: string;

/** The package version. Browsers. */
export const version: string = typeof __ANYMMAP_VERSION__ === "string" ? __ANYMMAP_VERSION__ : "0.0.0-dev";

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
  agent: () => agent ?? agentProblem ?? "call `await init()` first in this worker: it starts the helper worker that makes OPFS paths synchronous",
};

/**
 * A new, independent address space (its own mappings and 4 GiB of memory);
 * `sharedMemory: true` lets its MAP_SHARED|MAP_ANONYMOUS mappings be shared
 * with workers (needs a crossOriginIsolated page). Browsers.
 */
export function createInstance(options?: InstanceOptions): BrowserAnymmap {
  return new BrowserInstance(env, options);
}

let shared: BrowserInstance | undefined;
function instance(): BrowserInstance {
  return (shared ??= new BrowserInstance(env));
}

/** The page size of every alignment rule: 4096. Browsers. */
export const pageSize = 4096;
/** The backend in use. Browsers: "wasm". */
export const backend = "wasm" as const;

/**
 * Maps an OPFS path, a File or Blob, an open FileHandle, or anonymous
 * memory (`null`), synchronously. Browsers: paths need a cross-origin
 * isolated dedicated worker and a finished `await init()`; Files and Blobs
 * and anonymous memory work everywhere (on the main thread, load file pages
 * with `await mapping.load()` before viewing them); a FileSystemFileHandle
 * needs `await mmap(handle)`.
 */
export function mmapSync(source: BrowserMapSource, options?: MapOptions): BrowserMapping {
  return instance().mmapSync(source, options);
}
/**
 * Maps an OPFS path, a FileSystemFileHandle, a File or Blob, an open
 * FileHandle, or anonymous memory (`null`). Browsers: worker and main thread.
 */
export function mmap(source: BrowserMapSource, options?: MapOptions): Promise<BrowserMapping> {
  return instance().mmap(source, options);
}
/**
 * Maps a File or Blob, an OPFS path or an open FileHandle of any size
 * through windows, synchronously. Browsers: dedicated workers (paths need
 * cross-origin isolation and a finished `await init()`).
 */
export function mmapWindowedSync(source: BrowserMapSource, options?: WindowedOptions): WindowedMapping {
  return instance().mmapWindowedSync(source, options);
}
/** Maps a File or Blob, an OPFS path or FileSystemFileHandle of any size through windows. Browsers: dedicated workers. */
export function mmapWindowed(source: BrowserMapSource, options?: WindowedOptions): Promise<WindowedMapping> {
  return instance().mmapWindowed(source, options);
}
/** Opens an OPFS path synchronously (cross-origin isolated dedicated worker, after `await init()`). Browsers. */
export function openSync(path: string, flags?: OpenFlags, mode?: number): FileHandle {
  return instance().openSync(path, flags, mode);
}
/** Opens an OPFS path, a FileSystemFileHandle or a File/Blob (read-only). Browsers: worker and main thread. */
export function open(source: BrowserOpenSource, flags?: OpenFlags, mode?: number): Promise<FileHandle> {
  return instance().open(source, flags, mode);
}
/** munmap(2) over the default address space: may cover several mappings. Browsers. */
export function munmap(address: number, length: number): void {
  instance().munmap(address, length);
}
/** msync(2) over the default address space. Browsers (main thread: OPFS writes are queued; `await flush()`). */
export function msync(address: number, length: number, flags?: number | string): void {
  instance().msync(address, length, flags);
}
/** mprotect(2) over the default address space. Browsers. */
export function mprotect(address: number, length: number, prot: Prot): void {
  instance().mprotect(address, length, prot);
}
/** madvise(2) over the default address space. Browsers. */
export function madvise(address: number, length: number, advice: number | string): void {
  instance().madvise(address, length, advice);
}
/** mincore(2) over the default address space. Browsers. */
export function mincore(address: number, length: number): Uint8Array {
  return instance().mincore(address, length);
}
/** Maps memory another thread shared (`mapping.share()`, received through postMessage). Browsers with SharedArrayBuffer (crossOriginIsolated). */
export function attach(handle: SharedMemoryHandle): BrowserMapping {
  return instance().attach(handle);
}
/** Runtime, backend, page size, version and resident bytes of the default address space. Browsers. */
export function info(): Info {
  return instance().info();
}
/** Host I/O counters of the default address space. Browsers. */
export function hostIO(): HostIOStats {
  return instance().hostIO;
}
/** Waits until every OPFS write queued on the main thread by the default address space is on storage. Browsers. */
export function flush(): Promise<void> {
  return instance().flush();
}

// The entry is type-checked against the contract every runtime shares.
const entry = {
  version,
  pageSize,
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
} satisfies EntryPoint;
void entry;
