// The engine's two builds as base64 text, made by rollup.config.mjs from
// wasm/anymmap.wasm and wasm/anymmap-shared.wasm at build time, so that Deno
// loads the engine without reading a file (no --allow-read) and a Node
// or Bun bundle carries it along (src/runtime/node-fs/embedded-wasm.ts).
declare module "virtual:anymmap-wasm-base64" {
  export const wasmBase64: { readonly default: string; readonly shared: string };
}
