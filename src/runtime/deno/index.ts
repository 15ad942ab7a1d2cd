/**
 * anymmap for Deno: the kernel's mmap through Deno.dlopen with --allow-ffi,
 * else the WASM engine over Deno's node:fs (one pread64 per page-in,
 * straight into WebAssembly memory). The WASM engine needs --allow-read for
 * the files it maps and for anymmap.wasm, and --allow-write for writable ones.
 */
import type { Anymmap, Backend, BackendChoice, EntryPoint, FileHandle, HostIOStats, Info, InstanceOptions, MapOptions, MapSource, Mapping, OpenFlags, Prot, SharedMemoryHandle, WindowedMapping, WindowedOptions } from "../../core/api.js";
import { AnymmapInstance, type RuntimeAdapter, WASM_FILES, type WasmVariant } from "../../core/anymmap.js";
import { MmapError } from "../../core/errors.js";
import { openDenoFile, permissionError } from "./deno-file.js";
import { denoNative } from "./native.js";
import { mapDenoError, missingPermission } from "./map-error.js";

export * from "../../core/constants.js";
export { MmapError, isMmapError } from "../../core/errors.js";
export type * from "../../core/api.js";

/** The parts of Deno's global namespace this entry uses. */
interface DenoNamespace {
  readonly version: { readonly deno: string };
  readonly env: { get(name: string): string | undefined };
  readonly permissions: { querySync(desc: { name: "env"; variable: string }): { readonly state: string } };
  readFileSync(path: URL): Uint8Array;
  readFile(path: URL): Promise<Uint8Array>;
}
declare const Deno: DenoNamespace;

declare const __ANYMMAP_VERSION__: string;

/** The package version. Deno. */
export const version: string = typeof __ANYMMAP_VERSION__ === "string" ? __ANYMMAP_VERSION__ : "0.0.0-dev";

// Found relative to this module, wherever it was loaded from (a checkout,
// node_modules, Deno's npm cache, or a web server).
const wasmUrl = (variant: WasmVariant = "default"): URL => new URL(`./${WASM_FILES[variant]}`, import.meta.url);

/** A failed read of anymmap.wasm, as an MmapError that says which permission to add. */
function loadError(e: unknown, url: URL): unknown {
  const flag = missingPermission(e);
  if (flag === undefined) return e;
  return permissionError(flag, "load", "read anymmap.wasm", decodeURIComponent(url.pathname), e);
}

/** An environment variable when Deno may read it (--allow-env); unset otherwise, without a prompt. */
function envChoice(variable: "ANYMMAP_BACKEND" | "ANYMMAP_WASM_MEMORY"): string | undefined {
  return Deno.permissions.querySync({ name: "env", variable }).state === "granted" ? Deno.env.get(variable) : undefined;
}

const adapter: RuntimeAdapter = {
  runtime: `deno ${Deno.version.deno}`,
  native: denoNative,
  backendChoice: envChoice("ANYMMAP_BACKEND"),
  memoryChoice: envChoice("ANYMMAP_WASM_MEMORY"),
  version,
  openFile: (path, flags, mode, remote) => openDenoFile(path, flags, mode, remote),
  mapError: mapDenoError,
  compileSync: (variant) => {
    const url = wasmUrl(variant);
    if (url.protocol !== "file:") {
      throw new MmapError(
        "ENOSYS",
        "load",
        `anymmap.wasm is at ${url.href}, which Deno reads only asynchronously: call await mmap(...) or await open(...) once before the Sync forms`,
      );
    }
    let bytes: Uint8Array;
    try {
      bytes = Deno.readFileSync(url);
    } catch (e) {
      throw loadError(e, url);
    }
    return new WebAssembly.Module(bytes);
  },
  compile: async (variant) => {
    const url = wasmUrl(variant);
    if (url.protocol === "file:") {
      try {
        return await WebAssembly.compile(await Deno.readFile(url));
      } catch (e) {
        throw loadError(e, url);
      }
    }
    const response = await fetch(url);
    if (!response.ok) throw new Error(`fetch ${url.href}: HTTP ${response.status}`);
    return WebAssembly.compile(await response.arrayBuffer());
  },
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
