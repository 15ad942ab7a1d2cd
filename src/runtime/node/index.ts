/**
 * anymmap for Node.js: the kernel's mmap through the N-API addon where it
 * is built, else the WASM engine over `node:fs` (inlined in the bundle,
 * ../node-fs/embedded-wasm.ts: a bundled app carries it along).
 */
import { AnymmapInstance } from "../../core/address-space/anymmap.js";
import { createEntry } from "../../core/contract/entry.js";
import { nodeFsAdapter } from "../node-fs/adapter.js";
import { nodeNative } from "./native.js";

export * from "../../core/contract/constants.js";
export { MmapError, isMmapError } from "../../core/contract/errors.js";
export type * from "../../core/contract/api.js";
export { pageSize, version } from "../../core/contract/entry.js";

const adapter = nodeFsAdapter(`node ${process.versions.node}`, nodeNative);

export const {
  /** The default address space's backend: "native" where the N-API addon is built (and ANYMMAP_BACKEND is not "wasm"), else "wasm". Node. */
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
