/**
 * anymmap for Deno: the kernel's mmap through Deno.dlopen with --allow-ffi,
 * else the WASM engine over Deno's node:fs (one pread64 per page-in,
 * straight into WebAssembly memory). The WASM engine is inlined in this
 * module (no file to read): it needs --allow-read only for the files it maps,
 * and --allow-write for writable ones; anonymous memory needs no flag.
 */
import type { Anymmap, Backend, BackendChoice, EntryPoint, FileHandle, HostIOStats, Info, InstanceOptions, MapOptions, MapSource, Mapping, OpenFlags, Prot, SharedMemoryHandle, WindowedMapping, WindowedOptions } from "../../core/api.js";
import { wasmBase64 } from "virtual:anymmap-wasm-base64";

import { AnymmapInstance, type RuntimeAdapter, type WasmVariant } from "../../core/anymmap.js";
import { openDenoFile } from "./deno-file.js";
import { writeBackAtExit } from "./exit-hook.js";
import { denoNative } from "./native.js";
import { mapDenoError } from "./map-error.js";

export * from "../../core/constants.js";
export { MmapError, isMmapError } from "../../core/errors.js";
export type * from "../../core/api.js";

/** The parts of Deno's global namespace this entry uses. */
interface DenoNamespace {
  readonly version: { readonly deno: string };
  readonly env: { get(name: string): string | undefined };
  readonly permissions: { querySync(desc: { name: "env"; variable: string } | { name: "ffi" }): { readonly state: string } };
}
declare const Deno: DenoNamespace;

declare const __ANYMMAP_VERSION__: string;

/** The package version. Deno. */
export const version: string = typeof __ANYMMAP_VERSION__ === "string" ? __ANYMMAP_VERSION__ : "0.0.0-dev";

/** The engine's bytes, from the base64 text rollup inlines (see rollup.config.mjs). */
function wasmBytes(variant: WasmVariant = "default"): Uint8Array {
  const text = atob(wasmBase64[variant]);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** An environment variable when Deno may read it (--allow-env); unset otherwise, without a prompt. */
function envChoice(variable: "ANYMMAP_BACKEND" | "ANYMMAP_WASM_MEMORY"): string | undefined {
  return Deno.permissions.querySync({ name: "env", variable }).state === "granted" ? Deno.env.get(variable) : undefined;
}

const adapter: RuntimeAdapter = {
  // Said where everyone looks (info().runtime): FFI is outside Deno's sandbox.
  runtime:
    Deno.permissions.querySync({ name: "ffi" }).state === "granted"
      ? `deno ${Deno.version.deno} (--allow-ffi: native file access bypasses --allow-read/--allow-write)`
      : `deno ${Deno.version.deno}`,
  native: denoNative,
  backendChoice: envChoice("ANYMMAP_BACKEND"),
  memoryChoice: envChoice("ANYMMAP_WASM_MEMORY"),
  atExit: writeBackAtExit,
  version,
  openFile: (path, flags, mode, remote) => openDenoFile(path, flags, mode, remote),
  mapError: mapDenoError,
  compileSync: (variant) => new WebAssembly.Module(wasmBytes(variant)),
  compile: (variant) => WebAssembly.compile(wasmBytes(variant)),
};

/** A new, independent address space (its own mappings and 4 GiB of memory); `sharedMemory: true` lets its WASM mappings be shared with workers. Deno. */
export function createInstance(options?: InstanceOptions): Anymmap {
  return new AnymmapInstance(adapter, options);
}

let shared: AnymmapInstance | undefined;
function instance(): AnymmapInstance {
  return (shared ??= new AnymmapInstance(adapter));
}

/** The page size of every alignment rule: 4096. Deno. */
export const pageSize = 4096;
/** The default address space's backend: "native" with --allow-ffi and the shared library built, else "wasm". Deno. */
export const backend: Backend = instance().backend;

/** Maps a path, a FileHandle, or anonymous memory (`null`), synchronously. Deno. */
export function mmapSync(source: MapSource, options?: MapOptions): Mapping {
  return instance().mmapSync(source, options);
}
/** Maps a path, a FileHandle, or anonymous memory (`null`). Deno. */
export function mmap(source: MapSource, options?: MapOptions): Promise<Mapping> {
  return instance().mmap(source, options);
}
/** Maps a file of any size through windows, synchronously; resident bytes stay within the budget. Deno. */
export function mmapWindowedSync(source: MapSource, options?: WindowedOptions): WindowedMapping {
  return instance().mmapWindowedSync(source, options);
}
/** Maps a file of any size through windows. Deno. */
export function mmapWindowed(source: MapSource, options?: WindowedOptions): Promise<WindowedMapping> {
  return instance().mmapWindowed(source, options);
}
/** Opens a file of the default address space, synchronously. Deno. */
export function openSync(path: string, flags?: OpenFlags, mode?: number, backend?: BackendChoice): FileHandle {
  return instance().openSync(path, flags, mode, backend);
}
/** Opens a file of the default address space. Deno. */
export function open(path: string, flags?: OpenFlags, mode?: number, backend?: BackendChoice): Promise<FileHandle> {
  return instance().open(path, flags, mode, backend);
}
/** munmap(2) over the default address space: may cover several mappings. Deno. */
export function munmap(address: number, length: number): void {
  instance().munmap(address, length);
}
/** msync(2) over the default address space. Deno. */
export function msync(address: number, length: number, flags?: number | string): void {
  instance().msync(address, length, flags);
}
/** mprotect(2) over the default address space. Deno. */
export function mprotect(address: number, length: number, prot: Prot): void {
  instance().mprotect(address, length, prot);
}
/** madvise(2) over the default address space. Deno. */
export function madvise(address: number, length: number, advice: number | string): void {
  instance().madvise(address, length, advice);
}
/** mincore(2) over the default address space. Deno. */
export function mincore(address: number, length: number): Uint8Array {
  return instance().mincore(address, length);
}
/** Maps memory another thread shared (`mapping.share()`, received through postMessage). Deno. */
export function attach(handle: SharedMemoryHandle): Mapping {
  return instance().attach(handle);
}
/** Runtime, backend, page size, version and resident bytes of the default address space. Deno. */
export function info(): Info {
  return instance().info();
}
/** Host I/O counters of the default address space. Deno. */
export function hostIO(): HostIOStats {
  return instance().hostIO;
}

// This module is an anymmap entry: tsc fails here if its exports stop
// matching the contract every runtime entry shares.
type Satisfies<T extends EntryPoint> = T;
type EntryCheck = Satisfies<typeof import("./index.js")>;
