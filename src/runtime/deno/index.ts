/**
 * anymmap for Deno: the kernel's mmap through Deno.dlopen with --allow-ffi,
 * else the WASM engine over Deno's node:fs (one pread64 per page-in,
 * straight into WebAssembly memory). The WASM engine is inlined in this
 * module (no file to read): it needs --allow-read only for the files it maps,
 * and --allow-write for writable ones; anonymous memory needs no flag.
 */
import { AnymmapInstance, type RuntimeAdapter } from "../../core/address-space/anymmap.js";
import { createEntry, version } from "../../core/contract/entry.js";
import { embeddedWasm } from "../node-fs/embedded-wasm.js";
import { openDenoFile } from "./deno-file.js";
import { writeBackAtExit } from "./exit-hook.js";
import { denoNative } from "./native.js";
import { mapDenoError } from "./map-error.js";

export * from "../../core/contract/constants.js";
export { MmapError, isMmapError } from "../../core/contract/errors.js";
export type * from "../../core/contract/api.js";
export { pageSize, version } from "../../core/contract/entry.js";

/** The parts of Deno's global namespace this entry uses. */
interface DenoNamespace {
  readonly version: { readonly deno: string };
  readonly env: { get(name: string): string | undefined };
  readonly permissions: {
    querySync(desc: { name: "env"; variable: string } | { name: "ffi" }): { readonly state: string };
  };
}
declare const Deno: DenoNamespace;

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
  compileSync: (variant) => new WebAssembly.Module(embeddedWasm(variant)),
  compile: (variant) => WebAssembly.compile(embeddedWasm(variant)),
};

export const {
  /** The default address space's backend: "native" with --allow-ffi and the shared library built (and ANYMMAP_BACKEND is not "wasm"), else "wasm". Deno. */
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
