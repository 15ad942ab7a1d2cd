/**
 * anymmap for Bun: the kernel's mmap through bun:ffi where the shared
 * library is built, else the WASM engine over Bun's node:fs (one pread64
 * per page-in, straight into WebAssembly memory). The WASM engine is
 * inlined in this module, as in Deno's: `bun build` and
 * `bun build --compile` carry it along, where a .wasm file beside the
 * bundle would be left behind.
 */
import { AnymmapInstance } from "../../core/address-space/anymmap.js";
import { createEntry } from "../../core/contract/entry.js";
import { nodeFsAdapter } from "../node-fs/adapter.js";
import { embeddedWasm } from "../node-fs/embedded-wasm.js";
import { bunNative } from "./native.js";

export * from "../../core/contract/constants.js";
export { MmapError, isMmapError } from "../../core/contract/errors.js";
export type * from "../../core/contract/api.js";
export { pageSize, version } from "../../core/contract/entry.js";

/** The part of Bun's global this entry uses. */
declare const Bun: { readonly version: string };

const adapter = nodeFsAdapter(`bun ${Bun.version}`, bunNative, import.meta.url, embeddedWasm);

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
