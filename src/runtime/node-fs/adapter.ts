/**
 * The runtime adapter of every runtime whose files go through node:fs and
 * whose environment is `process.env`: Node and Bun (they differ only in
 * their name and their way to the native backend).
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";

import { type RuntimeAdapter, WASM_FILES, type WasmVariant } from "../../core/address-space/anymmap.js";
import { version } from "../../core/contract/entry.js";
import type { NativeMman } from "../../core/engines/native-mman.js";
import { writeBackAtExit } from "./exit-hook.js";
import { mapNodeError } from "./map-error.js";
import { openHostFile } from "./node-file.js";

/**
 * `entryUrl` is the entry module's `import.meta.url`: the .wasm files lie
 * beside the entry (dist/), wherever it was loaded from, while this module
 * may be bundled into a chunk elsewhere. `wasm`, when given, supplies the
 * engine's bytes instead (Bun: the engine inlined in the bundle).
 */
export function nodeFsAdapter(
  runtime: string,
  native: () => NativeMman,
  entryUrl: string,
  wasm?: (variant?: WasmVariant) => Uint8Array,
): RuntimeAdapter {
  const wasmUrl = (variant: WasmVariant = "default"): URL => new URL(`./${WASM_FILES[variant]}`, entryUrl);
  return {
    runtime,
    version,
    openFile: (path, flags, mode, remote) => openHostFile(path, flags, mode, undefined, remote),
    mapError: mapNodeError,
    compileSync: (variant) => new WebAssembly.Module(wasm ? wasm(variant) : readFileSync(wasmUrl(variant))),
    compile: async (variant) => WebAssembly.compile(wasm ? wasm(variant) : await readFile(wasmUrl(variant))),
    native,
    backendChoice: process.env.ANYMMAP_BACKEND,
    memoryChoice: process.env.ANYMMAP_WASM_MEMORY,
    atExit: writeBackAtExit,
  };
}
