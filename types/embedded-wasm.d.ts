// The engine's two builds as base64 text, made by rollup.config.mjs from
// wasm/anymmap.wasm and wasm/anymmap-shared.wasm at build time, so that Deno
// loads the engine without reading a file (no --allow-read). Deno only.
declare module "virtual:anymmap-wasm-base64" {
  export const wasmBase64: { readonly default: string; readonly shared: string };
}
