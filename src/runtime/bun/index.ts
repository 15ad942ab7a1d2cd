/**
 * anymmap for Bun: the kernel's mmap through bun:ffi where the shared
 * library is built, else the WASM engine over Bun's node:fs (one pread64
 * per page-in, straight into WebAssembly memory).
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";

import type { Anymmap, Backend, BackendChoice, EntryPoint, FileHandle, HostIOStats, Info, InstanceOptions, MapOptions, MapSource, Mapping, OpenFlags, Prot, SharedMemoryHandle, WindowedMapping, WindowedOptions } from "../../core/api.js";
import { AnymmapInstance, type RuntimeAdapter, WASM_FILES, type WasmVariant } from "../../core/anymmap.js";
import { mapNodeError } from "../node-fs/map-error.js";
import { writeBackAtExit } from "../node-fs/exit-hook.js";
import { openHostFile } from "../node-fs/node-file.js";
import { bunNative } from "./native.js";

export * from "../../core/constants.js";
export { MmapError, isMmapError } from "../../core/errors.js";
export type * from "../../core/api.js";

/** The part of Bun's global this entry uses. */
declare const Bun: { readonly version: string };

declare const __ANYMMAP_VERSION__: string;

/** The package version. Bun. */
export const version: string = typeof __ANYMMAP_VERSION__ === "string" ? __ANYMMAP_VERSION__ : "0.0.0-dev";

// Found relative to this module, wherever it was loaded from.
const wasmUrl = (variant: WasmVariant = "default"): URL => new URL(`./${WASM_FILES[variant]}`, import.meta.url);

const adapter: RuntimeAdapter = {
  runtime: `bun ${Bun.version}`,
  version,
  openFile: (path, flags, mode, remote) => openHostFile(path, flags, mode, undefined, remote),
  mapError: mapNodeError,
  compileSync: (variant) => new WebAssembly.Module(readFileSync(wasmUrl(variant))),
  compile: async (variant) => WebAssembly.compile(await readFile(wasmUrl(variant))),
  native: bunNative,
  backendChoice: process.env.ANYMMAP_BACKEND,
  memoryChoice: process.env.ANYMMAP_WASM_MEMORY,
  atExit: writeBackAtExit,
};

/** A new, independent address space (its own mappings and 4 GiB of memory); `sharedMemory: true` lets its WASM mappings be shared with workers. Bun. */
export function createInstance(options?: InstanceOptions): Anymmap {
  return new AnymmapInstance(adapter, options);
}

let shared: AnymmapInstance | undefined;
function instance(): AnymmapInstance {
  return (shared ??= new AnymmapInstance(adapter));
}

/** The page size of every alignment rule: 4096. Bun. */
export const pageSize = 4096;
/** The default address space's backend: "native" where the shared library is built (and ANYMMAP_BACKEND is not "wasm"), else "wasm". Bun. */
export const backend: Backend = instance().backend;

/** Maps a path, a FileHandle, or anonymous memory (`null`), synchronously. Bun. */
export function mmapSync(source: MapSource, options?: MapOptions): Mapping {
  return instance().mmapSync(source, options);
}
/** Maps a path, a FileHandle, or anonymous memory (`null`). Bun. */
export function mmap(source: MapSource, options?: MapOptions): Promise<Mapping> {
  return instance().mmap(source, options);
}
/** Maps a file of any size through windows, synchronously; resident bytes stay within the budget. Bun. */
export function mmapWindowedSync(source: MapSource, options?: WindowedOptions): WindowedMapping {
  return instance().mmapWindowedSync(source, options);
}
/** Maps a file of any size through windows. Bun. */
export function mmapWindowed(source: MapSource, options?: WindowedOptions): Promise<WindowedMapping> {
  return instance().mmapWindowed(source, options);
}
/** Opens a file of the default address space, synchronously. Bun. */
export function openSync(path: string, flags?: OpenFlags, mode?: number, backend?: BackendChoice): FileHandle {
  return instance().openSync(path, flags, mode, backend);
}
/** Opens a file of the default address space. Bun. */
export function open(path: string, flags?: OpenFlags, mode?: number, backend?: BackendChoice): Promise<FileHandle> {
  return instance().open(path, flags, mode, backend);
}
/** munmap(2) over the default address space: may cover several mappings. Bun. */
export function munmap(address: number, length: number): void {
  instance().munmap(address, length);
}
/** msync(2) over the default address space. Bun. */
export function msync(address: number, length: number, flags?: number | string): void {
  instance().msync(address, length, flags);
}
/** mprotect(2) over the default address space. Bun. */
export function mprotect(address: number, length: number, prot: Prot): void {
  instance().mprotect(address, length, prot);
}
/** madvise(2) over the default address space. Bun. */
export function madvise(address: number, length: number, advice: number | string): void {
  instance().madvise(address, length, advice);
}
/** mincore(2) over the default address space. Bun. */
export function mincore(address: number, length: number): Uint8Array {
  return instance().mincore(address, length);
}
/** Maps memory another thread shared (`mapping.share()`, received through postMessage). Bun. */
export function attach(handle: SharedMemoryHandle): Mapping {
  return instance().attach(handle);
}
/** Runtime, backend, page size, version and resident bytes of the default address space. Bun. */
export function info(): Info {
  return instance().info();
}
/** Host I/O counters of the default address space. Bun. */
export function hostIO(): HostIOStats {
  return instance().hostIO;
}

// This module is an anymmap entry: tsc fails here if its exports stop
// matching the contract every runtime entry shares.
type Satisfies<T extends EntryPoint> = T;
type EntryCheck = Satisfies<typeof import("./index.js")>;
