/**
 * anymmap's public contract: the types, constants and error class shared
 * by every runtime entry, and the shape of each entry's exports.
 */
import type { EntryPoint } from "./core/api.js";

export type * from "./core/api.js";
export * from "./core/constants.js";
export { MmapError, isMmapError } from "./core/errors.js";

/** The package version. All runtimes. */
export declare const version: EntryPoint["version"];
/** 4096: every offset and address rule is in these pages. All runtimes. */
export declare const pageSize: EntryPoint["pageSize"];
/** The backend behind the default address space. All runtimes. */
export declare const backend: EntryPoint["backend"];
/** A new, independent address space. All runtimes. */
export declare const createInstance: EntryPoint["createInstance"];
/** Maps a path, a FileHandle or anonymous memory synchronously. Node, Deno, Bun, browser workers. */
export declare const mmapSync: EntryPoint["mmapSync"];
/** Maps a path, a FileHandle or anonymous memory. All runtimes. */
export declare const mmap: EntryPoint["mmap"];
/** Maps a file of any size through windows, synchronously; the budget bounds resident bytes. Node, Deno, Bun, browser workers. */
export declare const mmapWindowedSync: EntryPoint["mmapWindowedSync"];
/** Maps a file of any size through windows. Node, Deno, Bun, browser workers. */
export declare const mmapWindowed: EntryPoint["mmapWindowed"];
/** Opens a file synchronously. Node, Deno, Bun, browser workers (OPFS paths need cross-origin isolation). */
export declare const openSync: EntryPoint["openSync"];
/** Opens a file. All runtimes with file access. */
export declare const open: EntryPoint["open"];
/** munmap(2) over the default address space. All runtimes. */
export declare const munmap: EntryPoint["munmap"];
/** msync(2) over the default address space. All runtimes. */
export declare const msync: EntryPoint["msync"];
/** mprotect(2) over the default address space. All runtimes. */
export declare const mprotect: EntryPoint["mprotect"];
/** madvise(2) over the default address space. All runtimes. */
export declare const madvise: EntryPoint["madvise"];
/** mincore(2) over the default address space. All runtimes. */
export declare const mincore: EntryPoint["mincore"];
/** Maps memory another thread shared (`mapping.share()`, received through postMessage). Node, Deno, Bun; browsers with SharedArrayBuffer. */
export declare const attach: EntryPoint["attach"];
/** Runtime, backend, page size, version, resident bytes. All runtimes. */
export declare const info: EntryPoint["info"];
/** Host I/O counters of the default address space. All runtimes. */
export declare const hostIO: EntryPoint["hostIO"];
