/**
 * The runtime adapter of every runtime whose files go through node:fs and
 * whose environment is `process.env`: Node and Bun (they differ only in
 * their name and their way to the native backend).
 */
import type { RuntimeAdapter } from "../../core/address-space/anymmap.js";
import { version } from "../../core/contract/entry.js";
import type { NativeMman } from "../../core/engines/native-mman.js";
import { embeddedWasm } from "./embedded-wasm.js";
import { writeBackAtExit } from "./exit-hook.js";
import { mapNodeError } from "./map-error.js";
import { openHostFile } from "./node-file.js";

/**
 * The WASM engine comes inlined in the bundle (./embedded-wasm.ts), not
 * from a file beside it: an app bundled with esbuild, `bun build` or
 * `bun build --compile` and run without node_modules still has it.
 */
export function nodeFsAdapter(runtime: string, native: () => NativeMman): RuntimeAdapter {
  return {
    runtime,
    version,
    openFile: (path, flags, mode, remote) => openHostFile(path, flags, mode, undefined, remote),
    mapError: mapNodeError,
    compileSync: (variant) => new WebAssembly.Module(embeddedWasm(variant)),
    compile: (variant) => WebAssembly.compile(embeddedWasm(variant)),
    native,
    backendChoice: process.env.ANYMMAP_BACKEND,
    memoryChoice: process.env.ANYMMAP_WASM_MEMORY,
    atExit: writeBackAtExit,
  };
}
