/**
 * anymmap for Bun: the kernel's mmap through bun:ffi where the shared
 * library is built, else the WASM engine over Bun's node:fs (one pread64
 * per page-in, straight into WebAssembly memory). The WASM engine is
 * inlined (../node-fs/embedded-wasm.ts): `bun build` and
 * `bun build --compile` carry it along.
 */
import { AnymmapInstance } from "../../core/address-space/anymmap.js";
import { createEntry } from "../../core/contract/entry.js";
import { nodeFsAdapter } from "../node-fs/adapter.js";
import { bunNative } from "./native.js";

export * from "../../core/contract/constants.js";
export { MmapError, isMmapError } from "../../core/contract/errors.js";
export type * from "../../core/contract/api.js";
export { pageSize, version } from "../../core/contract/entry.js";

/** The part of Bun's global this entry uses. */
declare const Bun: { readonly version: string };

const adapter = nodeFsAdapter(`bun ${Bun.version}`, bunNative);

export const {
  /** The default address space's backend: "native" where the shared library is built (and ANYMMAP_BACKEND is not "wasm"), else "wasm". Bun. */
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
} = createEntry((options) => new AnymmapInstance(adapter, options));
