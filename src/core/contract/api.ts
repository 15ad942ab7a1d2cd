/**
 * The one contract every runtime entry of anymmap is typed against.
 * Everything here works in every runtime (Node, Deno, Bun, browsers) unless
 * its documentation names where it works.
 */

type LowerProtBit = "read" | "write" | "exec";
type UpperProtBit = "PROT_READ" | "PROT_WRITE" | "PROT_EXEC";

/**
 * Protection: a number (`PROT_READ | PROT_WRITE`), letters (`"r"`, `"rw"`,
 * `"rwx"`, `"none"`) or names joined by `|` (`"read|write"`,
 * `"PROT_READ|PROT_WRITE"`). A misspelt name fails type-checking.
 */
export type Prot =
  | number
  | "r"
  | "w"
  | "x"
  | "rw"
  | "rx"
  | "wx"
  | "rwx"
  | "none"
  | "PROT_NONE"
  | LowerProtBit
  | `${LowerProtBit}|${LowerProtBit}`
  | `${LowerProtBit}|${LowerProtBit}|${LowerProtBit}`
  | UpperProtBit
  | `${UpperProtBit}|${UpperProtBit}`
  | `${UpperProtBit}|${UpperProtBit}|${UpperProtBit}`;

/** A mapping flag by name, lower-case. */
type MapName =
  | "shared"
  | "private"
  | "shared_validate"
  | "fixed"
  | "fixed_noreplace"
  | "anonymous"
  | "anon"
  | "noreserve"
  | "populate"
  | "nonblock";
/** A mapping flag as `mmap(2)` spells it. */
type UpperMapName = `MAP_${Uppercase<Exclude<MapName, "anon">>}`;

/**
 * Mapping flags: a number (`MAP_SHARED | MAP_POPULATE`) or up to three names
 * joined by `|` (`"shared"`, `"shared|populate"`, `"private|fixed"`,
 * `"MAP_SHARED|MAP_ANONYMOUS"`). A misspelt name fails type-checking; what
 * the names mean together (exactly one of shared and private...) is checked
 * at run time, as the kernel does.
 */
export type MapFlags =
  | number
  | MapName
  | `${MapName}|${MapName}`
  | `${MapName}|${MapName}|${MapName}`
  | UpperMapName
  | `${UpperMapName}|${UpperMapName}`
  | `${UpperMapName}|${UpperMapName}|${UpperMapName}`;

/** File open flags as `fs.open` spells them ("r", "r+", "w+", "a"...). */
export type OpenFlags = "r" | "r+" | "w" | "w+" | "wx" | "wx+" | "a" | "a+" | "ax" | "ax+";

/**
 * Where a mapping comes from: a path (or an http(s) URL), a `URL` object
 * (`file:` names a path, as `new URL("./data.bin", import.meta.url)`
 * gives; `http:`/`https:` is read remotely), an open handle, or `null` for
 * anonymous memory.
 */
export type MapSource = string | URL | FileHandle | null | undefined;

/**
 * What holds a mapping's memory: `"wasm"`, the C engine in WebAssembly
 * (every runtime), or `"native"`, the operating system's `mmap` (Node with the
 * addon built, Deno with `--allow-ffi`, Bun).
 */
export type Backend = "wasm" | "native";

/** Which backend to use: `"auto"` is native where available, else WASM. */
export type BackendChoice = Backend | "auto";

/** Options of `mmap`/`mmapSync`. */
export interface MapOptions {
  /** Default `"r"` (`PROT_READ`). */
  prot?: Prot;
  /** Default `"shared"` for files, `"private"` for anonymous memory. */
  flags?: MapFlags;
  /** File offset, a multiple of `pageSize`. Default 0. */
  offset?: number;
  /** Bytes to map. Default: the file's size minus `offset`; required for anonymous memory. */
  length?: number;
  /**
   * Address hint, or the exact address with `MAP_FIXED`. A hint past the end
   * of the backend's address space is ignored; an exact address there is `ENOMEM`.
   */
  address?: number;
  /**
   * Default: the instance's (`ANYMMAP_BACKEND`, else `"auto"`). `"native"`
   * throws `MmapError` `ENOSYS` saying why where native is unavailable. A
   * `FileHandle` maps only with the backend it was opened with.
   */
  backend?: BackendChoice;
  /**
   * For a URL source: the most milliseconds the open, and each later read
   * (one Range request and all its retries), may take before it fails with
   * `ETIMEDOUT`. Default 60000.
   */
  timeout?: number;
  /** For a URL source: once aborted, the open and every later read fail with `ECANCELED`, making no request. */
  signal?: AbortSignal;
}

/** The kind of access a view is for. */
export type Access = "read" | "write";

/** What `info()` reports. */
export interface Info {
  version: string;
  runtime: string;
  /** The backend new mappings get by default. */
  backend: Backend;
  /** Why the native backend is not in use, when it is not (not built, no --allow-ffi, ANYMMAP_BACKEND=wasm...). */
  nativeUnavailable?: string;
  pageSize: number;
  /** Pages that hold data now, over all mappings of the instance. */
  residentBytes: number;
  mappings: number;
  /** The default `budget` of windowed mappings (`mmapWindowedSync`): bytes their windows keep mapped at most. */
  windowBudget: number;
  /** True when the WASM engine's memory is shared (`createInstance({ sharedMemory: true })` or ANYMMAP_WASM_MEMORY=shared), so its shared anonymous mappings can go to workers. */
  sharedMemory: boolean;
}

/** Host file I/O that reached the runtime's file API, counted by the WASI host. */
export interface HostIOStats {
  reads: number;
  readBytes: number;
  writes: number;
  writtenBytes: number;
  syncs: number;
  truncates: number;
}

/**
 * An open file. Closing it does not unmap its mappings: they keep their own
 * reference, as on Linux. All runtimes with file access (Node, Deno, Bun, browsers).
 */
export interface FileHandle extends Disposable {
  readonly fd: number;
  /** The backend the file was opened for: mappings of this handle use it. */
  readonly backend: Backend;
  readonly path: string;
  readonly closed: boolean;
  /** Current size in bytes. */
  size(): number;
  /** Sets the size; shared mappings see cut bytes as zeros and new bytes as zeros. */
  truncate(length: number): void;
  /** Reads into `buffer` at `position`; sees unsynced writes of shared mappings. Returns bytes read. */
  pread(buffer: Uint8Array, position: number): number;
  /** Writes at `position`; shared mappings see the bytes at once. Returns bytes written. */
  pwrite(buffer: Uint8Array, position: number): number;
  /** fsync(2). */
  sync(): void;
  close(): void;
}

/** A live mapping. */
export interface Mapping extends Disposable {
  /** Address in the instance's address space. Changes only when `mremap` moves the mapping. */
  readonly address: number;
  readonly length: number;
  readonly offset: number;
  readonly prot: number;
  readonly flags: number;
  readonly backend: Backend;
  /** False after `munmap()` of the whole mapping. */
  readonly mapped: boolean;
  /**
   * The whole mapping as one view; reads every page that is not resident yet.
   *
   * **A view is not mapping-sized on the WASM backend.** Its `.buffer` is the
   * address space's whole WebAssembly memory (up to 4 GiB) holding every
   * mapping of that address space: whoever gets the view can read (and
   * write) all of them through `.buffer`, `structuredClone(view)` and
   * `postMessage(view)` copy all 4 GiB (with a `sharedMemory` address space
   * they hand over the live memory), and its buffer cannot be transferred.
   * To give bytes away, give a copy: `read()`. To keep files apart, map them
   * in separate `createInstance()` address spaces, which have separate
   * memories. See docs/security.md.
   */
  readonly bytes: Uint8Array;
  /**
   * A view of `[offset, offset + length)`, valid while those pages stay
   * mapped. WASM backend: its `.buffer` is the whole address space's memory,
   * as for `bytes`; hand `read()` copies to code that must see only these bytes.
   */
  view(offset?: number, length?: number, access?: Access): Uint8Array;
  /**
   * A copy of `[offset, offset + length)` in a new buffer of exactly that
   * size: safe to `postMessage`, transfer or pass to code that must not see
   * other mappings.
   */
  read(offset?: number, length?: number): Uint8Array;
  /** Copies into `target` from `offset`; returns bytes copied. */
  readInto(target: Uint8Array, offset?: number): number;
  /** Copies `source` in at `offset` (strings as UTF-8); returns bytes written. */
  write(source: Uint8Array | string, offset?: number): number;
  msync(flags?: number | string, offset?: number, length?: number): void;
  munmap(offset?: number, length?: number): void;
  mprotect(prot: Prot, offset?: number, length?: number): void;
  /** Resizes; with `"maymove"` the address may change and old views go stale. */
  mremap(newLength: number, flags?: number | string): void;
  madvise(advice: number | string, offset?: number, length?: number): void;
  /** One byte per page: 1 when resident. */
  mincore(offset?: number, length?: number): Uint8Array;
  /**
   * A handle to post to a Worker (`postMessage`), where `attach(handle)`
   * maps the same memory: each side then sees the other's writes, as parent
   * and child do after fork(2). Only MAP_SHARED|MAP_ANONYMOUS mappings, whole.
   * Native backend: Node, Deno, Bun. WASM backend: an instance made with
   * `createInstance({ sharedMemory: true })`, in Node, Deno, Bun and
   * browsers that are `crossOriginIsolated`.
   */
  share(): SharedMemoryHandle;
}

/**
 * A MAP_SHARED|MAP_ANONYMOUS mapping made ready for another thread of the
 * same process: structured-cloneable, so `postMessage` carries it. Its
 * fields are anymmap's own; pass it to `attach` unchanged. All runtimes
 * that have workers and SharedArrayBuffer.
 */
export interface SharedMemoryHandle {
  readonly type: "anymmap.shared-memory";
  readonly backend: Backend;
  /** Where the memory lives in the sharer's address space; a WASM attachment sees it at the same address. */
  readonly address: number;
  readonly length: number;
  /** The sharer's protection when it shared: what the attached mapping starts with. */
  readonly prot: number;
  /** Counts the threads attaching (native) or attached (WASM), so that the sharer's munmap never frees memory in use. */
  readonly lock: Int32Array;
  /** WASM: the engine's shared linear memory. */
  readonly buffer?: SharedArrayBuffer;
  /** Native: the memfd descriptor (same process) and where the mapping starts in it. */
  readonly fd?: number;
  readonly offset?: number;
}

/** Options of `createInstance`. */
export interface InstanceOptions {
  /**
   * Give the WASM engine a shared WebAssembly.Memory (the second build,
   * anymmap-shared.wasm), so that its MAP_SHARED|MAP_ANONYMOUS mappings can
   * be `share()`d with workers. Views are then views of a
   * SharedArrayBuffer, which some APIs refuse (browsers' TextDecoder: decode
   * a copy, `read()`). Needs SharedArrayBuffer: in a browser, a page served
   * with `Cross-Origin-Opener-Policy: same-origin` and
   * `Cross-Origin-Embedder-Policy: require-corp`. Default: false, or true
   * where the environment says ANYMMAP_WASM_MEMORY=shared (Node, Deno with
   * --allow-env, Bun), which also applies to the default address space.
   */
  sharedMemory?: boolean;
}

/** Options of `mmapWindowedSync`/`mmapWindowed`. All runtimes with file access. */
export interface WindowedOptions {
  /** Default `"r"`. */
  prot?: Prot;
  /** `"shared"` (default) or `"private"` (read-only only: evicting a window would drop private writes). */
  flags?: MapFlags;
  /** File offset, a multiple of `pageSize`. Default 0. */
  offset?: number;
  /** Bytes to map, up to 2^53 - 1 - offset. Default: the file's size minus `offset`. */
  length?: number;
  /** The most bytes of windows mapped at once, which bounds resident memory. Default 256 MiB (`info().windowBudget`). */
  budget?: number;
  /** The granule reads, writes and `find` map, a multiple of `pageSize`. Default 16 MiB. */
  windowSize?: number;
  /** As in `MapOptions`: for a path, the backend that opens it (a FileHandle keeps its own). Default: the instance's. */
  backend?: BackendChoice;
  /** As in `MapOptions`: for a URL source, the bound in milliseconds of the open and of each read. Default 60000. */
  timeout?: number;
  /** As in `MapOptions`: for a URL source, once aborted, reads fail with `ECANCELED`. */
  signal?: AbortSignal;
}

/** Options of long operations (find over GiBs, populate, msync of many windows). */
export interface LongOperation {
  /** Stops the operation between windows with `MmapError` `ECANCELED` (the signal's reason as `cause`). */
  signal?: AbortSignal;
  /** Called after each window with the bytes done and the bytes in all. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * A view of a range of a windowed mapping, pinned (never unmapped to stay in
 * the budget) until released. Do not use `bytes` after `release()`. On the
 * WASM backend `bytes.buffer` is the address space's whole memory, as for
 * `Mapping.bytes`: hand copies (`read()`) to other code.
 */
export interface MappedWindow extends Disposable {
  readonly offset: number;
  readonly length: number;
  readonly bytes: Uint8Array;
  readonly released: boolean;
  release(): void;
}

/**
 * A mapping of a file of any size (beyond the 4 GiB a WebAssembly memory
 * holds), read and written through windows mapped on demand; the bytes of
 * mapped windows never pass `budget`. Offsets are exact up to 2^53.
 * Node, Deno, Bun, browser workers.
 */
export interface WindowedMapping extends Disposable {
  readonly offset: number;
  readonly length: number;
  readonly prot: number;
  readonly flags: number;
  readonly budget: number;
  readonly windowSize: number;
  readonly path?: string;
  /** False after `munmap()`. */
  readonly mapped: boolean;
  /** Bytes of the windows mapped now (at most `budget`). */
  readonly windowBytes: number;
  /** Bytes of the windows pinned by unreleased `window()`s. */
  readonly pinnedBytes: number;
  /** Windows mapped now. */
  readonly windowCount: number;
  /** Bytes of resident pages in the mapped windows (`mincore`), at most `windowBytes`. */
  residentBytes(): number;
  /** A pinned view of `[offset, offset + length)`; release it (`using`, or `release()`). ENOMEM past the budget. */
  window(offset: number, length: number, access?: Access): MappedWindow;
  /** A copy of `[offset, offset + length)` (at most 4 GiB - 1 MiB), across windows. */
  read(offset?: number, length?: number): Uint8Array;
  /** Copies into `target` from `offset`; returns bytes copied. */
  readInto(target: Uint8Array, offset?: number): number;
  /** Copies `source` in at `offset` (strings as UTF-8), across windows; returns bytes written. */
  write(source: Uint8Array | string, offset?: number): number;
  /** Lowest offset in `[start, end)` where `pattern` lies whole, or -1 (Python's `mmap.find`; negative start/end count from the end). */
  find(pattern: Uint8Array | string, start?: number, end?: number, options?: LongOperation): number;
  /** Highest such offset, or -1 (Python's `mmap.rfind`). */
  rfind(pattern: Uint8Array | string, start?: number, end?: number, options?: LongOperation): number;
  /** Reads the pages of a range (at most `budget` bytes) into windows. */
  populate(offset?: number, length?: number, options?: LongOperation): void;
  /** msync of every mapped window (evicted windows were written back when they were unmapped). */
  msync(flags?: number | string, options?: LongOperation): void;
  /** Writes back and unmaps every window; closes the file if the mapping opened it from a path. */
  munmap(): void;
}

/**
 * One address space: the mapping table, the files it holds open and the
 * memory behind them. Runtime entries export a default instance's methods
 * and `createInstance` for more.
 */
export interface Anymmap {
  readonly pageSize: number;
  /** The backend new mappings get by default. */
  readonly backend: Backend;
  readonly runtime: string;
  /** Opens a file synchronously, for the default backend or `backend`. Node, Deno, Bun, browser workers. */
  openSync(path: string | URL, flags?: OpenFlags, mode?: number, backend?: BackendChoice): FileHandle;
  /** Opens a file. All runtimes with file access. */
  open(path: string | URL, flags?: OpenFlags, mode?: number, backend?: BackendChoice): Promise<FileHandle>;
  /** Maps a file or anonymous memory synchronously. Node, Deno, Bun, browser workers. */
  mmapSync(source: MapSource, options?: MapOptions): Mapping;
  /** Maps a file or anonymous memory. */
  mmap(source: MapSource, options?: MapOptions): Promise<Mapping>;
  /** Maps a file of any size through windows. Node, Deno, Bun, browser workers. */
  mmapWindowedSync(source: MapSource, options?: WindowedOptions): WindowedMapping;
  /** The async form of `mmapWindowedSync` (loads the engine first). Node, Deno, Bun, browser workers. */
  mmapWindowed(source: MapSource, options?: WindowedOptions): Promise<WindowedMapping>;
  /** munmap(2) on the instance's addresses: may cover several mappings. */
  munmap(address: number, length: number): void;
  /** msync(2) on the instance's addresses. */
  msync(address: number, length: number, flags?: number | string): void;
  /** mprotect(2) on the instance's addresses. */
  mprotect(address: number, length: number, prot: Prot): void;
  /** madvise(2) on the instance's addresses. */
  madvise(address: number, length: number, advice: number | string): void;
  /** mincore(2) on the instance's addresses. */
  mincore(address: number, length: number): Uint8Array;
  /**
   * Maps memory another thread `share()`d (its handle, received through
   * `postMessage`). The attached mapping is this thread's own: unmapping or
   * protecting it changes nothing for the sharer, and the memory lives until
   * every side has unmapped it. Native handles: Node, Deno, Bun (same
   * process). WASM handles: every runtime with SharedArrayBuffer.
   */
  attach(handle: SharedMemoryHandle): Mapping;
  /** Host I/O counters (reads and writes that reached the file system). */
  readonly hostIO: HostIOStats;
  resetHostIO(): void;
  info(): Info;
}

/**
 * The types a runtime entry maps from and to. Node, Deno and Bun use
 * `DefaultEntryTypes`; the browser entry widens the sources (Blobs,
 * FileSystemFileHandles) and the mapping (`load`, `msyncAsync`).
 */
export interface EntryTypes {
  /** What `mmap`, `mmapSync` and the windowed forms accept. */
  readonly source: unknown;
  /** What `open` accepts. */
  readonly openSource: unknown;
  /** What the mapping calls return. */
  readonly mapping: Mapping;
  /** What `createInstance` returns. */
  readonly instance: Anymmap;
}

/** The entry types of Node, Deno and Bun. */
export interface DefaultEntryTypes extends EntryTypes {
  readonly source: MapSource;
  readonly openSource: string | URL;
  readonly mapping: Mapping;
  readonly instance: Anymmap;
}

/**
 * The calls of a runtime entry, one interface each, so that each carries its
 * documentation into every entry's declarations (an entry's exports are
 * destructured from `createEntry`, and TypeScript keeps a call signature's
 * documentation only when the signature is declared in a named type).
 */
// biome-ignore-start lint/style/useShorthandFunctionType: TypeScript carries a call signature's documentation into the entries' .d.ts only from a named interface
export declare namespace EntryCall {
  interface CreateInstance<T extends EntryTypes = DefaultEntryTypes> {
    /**
     * A new, independent address space (its own mappings and 4 GiB of WASM
     * memory); `sharedMemory: true` lets its MAP_SHARED|MAP_ANONYMOUS WASM
     * mappings be shared with workers (in browsers: a crossOriginIsolated page).
     */
    (options?: InstanceOptions): T["instance"];
  }
  interface MmapSync<T extends EntryTypes = DefaultEntryTypes> {
    /**
     * Maps a path, an open `FileHandle` or anonymous memory (`null`),
     * synchronously, in the default address space. Node, Deno, Bun, browser
     * workers. Browsers also map a File or Blob (anywhere; on the main thread
     * load file pages with `await mapping.load()` before viewing them); OPFS
     * paths need a cross-origin isolated dedicated worker and a finished
     * `await init()`; a FileSystemFileHandle needs `await mmap(handle)`.
     */
    (source: T["source"], options?: MapOptions): T["mapping"];
  }
  interface Mmap<T extends EntryTypes = DefaultEntryTypes> {
    /**
     * Maps a path, an open `FileHandle` or anonymous memory (`null`) in the
     * default address space, loading the engine first. All runtimes; browsers
     * also map a File, Blob or FileSystemFileHandle, on the main thread too.
     */
    (source: T["source"], options?: MapOptions): Promise<T["mapping"]>;
  }
  interface MmapWindowedSync<T extends EntryTypes = DefaultEntryTypes> {
    /**
     * Maps a file of any size through windows, synchronously; the bytes of
     * mapped windows stay within the budget. Node, Deno, Bun, browser
     * workers (OPFS paths need cross-origin isolation and `await init()`).
     */
    (source: T["source"], options?: WindowedOptions): WindowedMapping;
  }
  interface MmapWindowed<T extends EntryTypes = DefaultEntryTypes> {
    /** Maps a file of any size through windows, loading the engine first. Node, Deno, Bun, browser workers. */
    (source: T["source"], options?: WindowedOptions): Promise<WindowedMapping>;
  }
  interface OpenSync {
    /**
     * Opens a file of the default address space synchronously, for its
     * default backend or `backend`. Node, Deno, Bun, browser workers (OPFS
     * paths: a cross-origin isolated dedicated worker, after `await init()`).
     */
    (path: string | URL, flags?: OpenFlags, mode?: number, backend?: BackendChoice): FileHandle;
  }
  interface Open<T extends EntryTypes = DefaultEntryTypes> {
    /**
     * Opens a file of the default address space. All runtimes with file
     * access; browsers open an OPFS path, a FileSystemFileHandle or a File or
     * Blob (read-only), on the main thread too.
     */
    (path: T["openSource"], flags?: OpenFlags, mode?: number, backend?: BackendChoice): Promise<FileHandle>;
  }
  interface Munmap {
    /** munmap(2) over the default address space: may cover several mappings. */
    (address: number, length: number): void;
  }
  interface Msync {
    /** msync(2) over the default address space (a browser's main thread queues OPFS writes: `await flush()`). */
    (address: number, length: number, flags?: number | string): void;
  }
  interface Mprotect {
    /** mprotect(2) over the default address space. */
    (address: number, length: number, prot: Prot): void;
  }
  interface Madvise {
    /** madvise(2) over the default address space. */
    (address: number, length: number, advice: number | string): void;
  }
  interface Mincore {
    /** mincore(2) over the default address space: one byte per page, 1 when resident. */
    (address: number, length: number): Uint8Array;
  }
  interface Attach<T extends EntryTypes = DefaultEntryTypes> {
    /**
     * Maps, in the default address space, memory another thread shared
     * (`mapping.share()`, received through `postMessage`). Native handles:
     * Node, Deno, Bun. WASM handles: every runtime with SharedArrayBuffer
     * (browsers: crossOriginIsolated).
     */
    (handle: SharedMemoryHandle): T["mapping"];
  }
  interface GetInfo {
    /** Runtime, backend, page size, version and resident bytes of the default address space. */
    (): Info;
  }
  interface GetHostIO {
    /** Host I/O counters of the default address space (reads and writes that reached the file system). */
    (): HostIOStats;
  }
}
// biome-ignore-end lint/style/useShorthandFunctionType: see above

/**
 * What every runtime entry exports: the default address space's calls plus
 * `createInstance` for more, built by `createEntry`. Each runtime entry,
 * and the contract `src/index.ts`, is type-checked against it.
 */
export interface EntryPoint<T extends EntryTypes = DefaultEntryTypes> {
  /** The package version. */
  readonly version: string;
  /** 4096: every offset, length and address rule is in these pages. */
  readonly pageSize: number;
  /** The backend of the default address space: "native" where the runtime reaches the kernel's mmap (and ANYMMAP_BACKEND is not "wasm"), else "wasm". */
  readonly backend: Backend;
  readonly createInstance: EntryCall.CreateInstance<T>;
  readonly mmapSync: EntryCall.MmapSync<T>;
  readonly mmap: EntryCall.Mmap<T>;
  readonly mmapWindowedSync: EntryCall.MmapWindowedSync<T>;
  readonly mmapWindowed: EntryCall.MmapWindowed<T>;
  readonly openSync: EntryCall.OpenSync;
  readonly open: EntryCall.Open<T>;
  readonly munmap: EntryCall.Munmap;
  readonly msync: EntryCall.Msync;
  readonly mprotect: EntryCall.Mprotect;
  readonly madvise: EntryCall.Madvise;
  readonly mincore: EntryCall.Mincore;
  readonly attach: EntryCall.Attach<T>;
  readonly info: EntryCall.GetInfo;
  readonly hostIO: EntryCall.GetHostIO;
}
