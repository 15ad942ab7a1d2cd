/**
 * anymmap's public contract: the types, constants and error class shared
 * by every runtime entry, and the exports of each entry (declared here, built
 * in each runtime's index.ts by `createEntry`; their documentation is on
 * `EntryPoint` and `EntryCall` in core/contract/api.ts).
 */
import type { EntryPoint } from "./core/contract/api.js";

export type * from "./core/contract/api.js";
export * from "./core/contract/constants.js";
export { MmapError, isMmapError } from "./core/contract/errors.js";

export { pageSize, version } from "./core/contract/entry.js";
/** The default address space's backend: "native" where the runtime reaches the kernel's mmap (Node with the addon built, Deno with --allow-ffi, Bun; ANYMMAP_BACKEND not "wasm"), else "wasm". */
export declare const {
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
}: EntryPoint;
