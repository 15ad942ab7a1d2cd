/**
 * Finding and compiling anymmap.wasm in a browser: once per page or worker,
 * from wherever the caller says, retried after a failure.
 */
import { WASM_FILES, type WasmVariant } from "../../core/address-space/anymmap.js";
import { MmapError } from "../../core/contract/errors.js";
import { browser } from "./dom.js";

/**
 * Where the engine's `.wasm` comes from: a URL (string or `URL`), a
 * `Response` (or a promise of one, e.g. `fetch(...)`), the bytes, or a
 * compiled `WebAssembly.Module`. Browsers.
 */
export type WasmSource =
  | string
  | URL
  | Response
  | PromiseLike<Response>
  | ArrayBuffer
  | ArrayBufferView
  | WebAssembly.Module;

const compiled: Partial<Record<WasmVariant, WebAssembly.Module>> = {};
const loading: Partial<Record<WasmVariant, Promise<WebAssembly.Module>>> = {};

/** The default: the build beside this module (dist/anymmap.wasm, dist/anymmap-shared.wasm); literal URLs, so that bundlers find them. */
function defaultUrl(variant: WasmVariant): URL {
  return variant === "shared"
    ? new URL("./anymmap-shared.wasm", import.meta.url)
    : new URL("./anymmap.wasm", import.meta.url);
}

function isResponse(v: unknown): v is Response {
  return typeof v === "object" && v !== null && typeof (v as Response).arrayBuffer === "function" && "status" in v;
}

async function compileFrom(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer) return WebAssembly.compile(source);
  if (ArrayBuffer.isView(source)) {
    // WebAssembly.compile copies; a view of a SharedArrayBuffer must be copied first.
    const bytes = new Uint8Array(source.buffer as ArrayBuffer, source.byteOffset, source.byteLength);
    return WebAssembly.compile(bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice());
  }
  let response: Response;
  if (typeof source === "string" || source instanceof URL) {
    const fetch = browser().fetch;
    if (!fetch)
      throw new Error("fetch() is not available to load the .wasm; pass its bytes or a WebAssembly.Module to init()");
    response = await fetch(source);
  } else if (isResponse(source)) {
    response = source;
  } else if (typeof (source as PromiseLike<Response>)?.then === "function") {
    response = await source;
  } else {
    throw new TypeError(`init() takes a URL, a Response, bytes or a WebAssembly.Module, got ${String(source)}`);
  }
  if (!response.ok) throw new Error(`fetching ${response.url || "the .wasm"} gave HTTP ${response.status}`);
  // compileStreaming needs the application/wasm type; bytes work with any server.
  const type = response.headers.get("content-type") ?? "";
  const streaming = (WebAssembly as unknown as { compileStreaming?: (r: Response) => Promise<WebAssembly.Module> })
    .compileStreaming;
  if (type.split(";")[0]!.trim() === "application/wasm" && typeof streaming === "function") {
    return streaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

/**
 * Compiles a build of the engine once. Concurrent calls share one load; a
 * failed load is forgotten, so the next call (with the same or another
 * source) retries. After a success, later sources are ignored. Browsers.
 */
export function loadWasm(source?: WasmSource, variant: WasmVariant = "default"): Promise<WebAssembly.Module> {
  const done = compiled[variant];
  if (done) return Promise.resolve(done);
  loading[variant] ??= compileFrom(source ?? defaultUrl(variant)).then(
    (module) => {
      compiled[variant] = module;
      return module;
    },
    (e: unknown) => {
      loading[variant] = undefined;
      throw new MmapError(
        "ENOEXEC",
        "load",
        `cannot load ${WASM_FILES[variant]}: ${e instanceof Error ? e.message : String(e)}; pass its URL, bytes or a compiled module to init()`,
        { cause: e },
      );
    },
  );
  return loading[variant]!;
}

/** The compiled build if a load finished, else undefined. Browsers. */
export function loadedWasm(variant: WasmVariant = "default"): WebAssembly.Module | undefined {
  return compiled[variant];
}
