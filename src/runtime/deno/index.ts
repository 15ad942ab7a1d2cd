/**
 * anymmap for Deno: the kernel's mmap through Deno.dlopen with --allow-ffi,
 * else the WASM engine over Deno's node:fs (one pread64 per page-in,
 * straight into WebAssembly memory). The WASM engine needs --allow-read for
 * the files it maps and for anymmap.wasm, and --allow-write for writable ones.
 */
import type { OpenFlags } from "../../core/contract/api.js";
import {
  AnymmapInstance,
  type RuntimeAdapter,
  WASM_FILES,
  type WasmVariant,
} from "../../core/address-space/anymmap.js";
import { createEntry, version } from "../../core/contract/entry.js";
import { MmapError } from "../../core/contract/errors.js";
import { openDenoFile, permissionError } from "./deno-file.js";
import { denoNative } from "./native.js";
import { mapDenoError, missingPermission } from "./map-error.js";

export * from "../../core/contract/constants.js";
export { MmapError, isMmapError } from "../../core/contract/errors.js";
export type * from "../../core/contract/api.js";
export { pageSize, version } from "../../core/contract/entry.js";

/** The parts of Deno's global namespace this entry uses. */
interface DenoNamespace {
  readonly version: { readonly deno: string };
  readonly env: { get(name: string): string | undefined };
  readonly permissions: { querySync(desc: { name: "env"; variable: string }): { readonly state: string } };
  readFileSync(path: URL): Uint8Array;
  readFile(path: URL): Promise<Uint8Array>;
}
declare const Deno: DenoNamespace;

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
  openFile: (path: string, flags: OpenFlags, mode?: number) => openDenoFile(path, flags, mode),
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
