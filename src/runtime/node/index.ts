/**
 * anymmap for Node.js: the kernel's mmap through the N-API addon where it
 * is built, else the WASM engine over `node:fs`.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";

import type { Anymmap, Backend, BackendChoice, EntryPoint, FileHandle, HostIOStats, Info, InstanceOptions, MapOptions, MapSource, Mapping, OpenFlags, Prot, SharedMemoryHandle, WindowedMapping, WindowedOptions } from "../../core/api.js";
import { AnymmapInstance, type RuntimeAdapter, WASM_FILES, type WasmVariant } from "../../core/anymmap.js";
import type { MappingImpl } from "../../core/mapping.js";
import { mapNodeError } from "../node-fs/map-error.js";
import { writeBackAtExit } from "../node-fs/exit-hook.js";
import { openHostFile } from "../node-fs/node-file.js";
import { nodeNative } from "./native.js";

export * from "../../core/constants.js";
export { MmapError, isMmapError } from "../../core/errors.js";
export type * from "../../core/api.js";

declare const __ANYMMAP_VERSION__: string;

/** The package version. Node. */
export const version: string = typeof __ANYMMAP_VERSION__ === "string" ? __ANYMMAP_VERSION__ : "0.0.0-dev";

const wasmUrl = (variant: WasmVariant = "default"): URL => new URL(`./${WASM_FILES[variant]}`, import.meta.url);

const adapter: RuntimeAdapter = {
  runtime: `node ${process.versions.node}`,
  version,
  openFile: (path, flags, mode, remote) => openHostFile(path, flags, mode, undefined, remote),
  mapError: mapNodeError,
  compileSync: (variant) => new WebAssembly.Module(readFileSync(wasmUrl(variant))),
  compile: async (variant) => WebAssembly.compile(await readFile(wasmUrl(variant))),
  native: nodeNative,
  backendChoice: process.env.ANYMMAP_BACKEND,
  memoryChoice: process.env.ANYMMAP_WASM_MEMORY,
  atExit: writeBackAtExit,
};

/** A new, independent address space (its own mappings and 4 GiB of memory); `sharedMemory: true` lets its WASM mappings be shared with workers. Node. */
export function createInstance(options?: InstanceOptions): Anymmap {
  return new AnymmapInstance(adapter, options);
}

let shared: AnymmapInstance | undefined;
function instance(): AnymmapInstance {
  return (shared ??= new AnymmapInstance(adapter));
}

/** The page size of every alignment rule: 4096. Node. */
export const pageSize = 4096;
/** The default address space's backend: "native" where the addon is built (and ANYMMAP_BACKEND is not "wasm"), else "wasm". Node. */
export const backend: Backend = instance().backend;

/** Maps a path, a FileHandle, or anonymous memory (`null`), synchronously. Node. */
export function mmapSync(source: MapSource, options?: MapOptions): MappingImpl {
  return instance().mmapSync(source, options);
}
/** Maps a path, a FileHandle, or anonymous memory (`null`). Node. */
export function mmap(source: MapSource, options?: MapOptions): Promise<MappingImpl> {
  return instance().mmap(source, options);
}
/** Maps a file of any size through windows, synchronously; resident bytes stay within the budget. Node. */
export function mmapWindowedSync(source: MapSource, options?: WindowedOptions): WindowedMapping {
  return instance().mmapWindowedSync(source, options);
}
/** Maps a file of any size through windows. Node. */
export function mmapWindowed(source: MapSource, options?: WindowedOptions): Promise<WindowedMapping> {
  return instance().mmapWindowed(source, options);
}
/** Opens a file of the default address space, synchronously. Node. */
export function openSync(path: string, flags?: OpenFlags, mode?: number, backend?: BackendChoice): FileHandle {
  return instance().openSync(path, flags, mode, backend);
}
/** Opens a file of the default address space. Node. */
export function open(path: string, flags?: OpenFlags, mode?: number, backend?: BackendChoice): Promise<FileHandle> {
  return instance().open(path, flags, mode, backend);
}
/** munmap(2) over the default address space: may cover several mappings. Node. */
export function munmap(address: number, length: number): void {
  instance().munmap(address, length);
}
/** msync(2) over the default address space. Node. */
export function msync(address: number, length: number, flags?: number | string): void {
  instance().msync(address, length, flags);
}
/** mprotect(2) over the default address space. Node. */
export function mprotect(address: number, length: number, prot: Prot): void {
  instance().mprotect(address, length, prot);
}
/** madvise(2) over the default address space. Node. */
export function madvise(address: number, length: number, advice: number | string): void {
  instance().madvise(address, length, advice);
}
/** mincore(2) over the default address space. Node. */
export function mincore(address: number, length: number): Uint8Array {
  return instance().mincore(address, length);
}
/** Maps memory another thread shared (`mapping.share()`, received through postMessage). Node. */
export function attach(handle: SharedMemoryHandle): Mapping {
  return instance().attach(handle);
}
/** Runtime, backend, page size, version and resident bytes of the default address space. Node. */
export function info(): Info {
  return instance().info();
}
/** Host I/O counters of the default address space. Node. */
export function hostIO(): HostIOStats {
  return instance().hostIO;
}

// This module is an anymmap entry: tsc fails here if its exports stop
// matching the contract every runtime entry shares.
type Satisfies<T extends EntryPoint> = T;
type EntryCheck = Satisfies<typeof import("./index.js")>;
