/**
 * The WASM engine's bytes from the base64 text rollup inlines in the bundle
 * (rollup.config.mjs, `virtual:anymmap-wasm-base64`): for the entries that
 * must not depend on a file beside them (every one but the browser's):
 * Deno loads the engine without --allow-read, and an app bundled for Node
 * or Bun (esbuild, `bun build`, `bun build --compile`) carries the engine
 * with it, where dist/anymmap.wasm would be left behind.
 */
import { wasmBase64 } from "virtual:anymmap-wasm-base64";

import type { WasmVariant } from "../../core/address-space/anymmap.js";

/** Decoded at each call: the text is kept, not a second copy of the bytes (compiled once per address space). */
export function embeddedWasm(variant: WasmVariant = "default"): Uint8Array {
  const text = atob(wasmBase64[variant]);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}
