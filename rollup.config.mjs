import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import typescript from "@rollup/plugin-typescript";
import { dts } from "rollup-plugin-dts";

// Node builtins stay imports, whether written "node:fs" or "fs"; so does Bun's bun:ffi.
const nodeBuiltins = new Set(builtinModules);
const external = (id) => id.startsWith("node:") || id.startsWith("bun:") || nodeBuiltins.has(id);

const { version } = JSON.parse(readFileSync("package.json", "utf8"));

// Source maps for development; scripts/prepack.mjs builds the package without them (it says why).
const sourcemap = process.env.ANYMMAP_SOURCEMAP !== "0";

// The version is baked in at build time, so no runtime needs to read package.json.
const bakeVersion = {
  name: "bake-version",
  transform: (code) =>
    code.includes("__ANYMMAP_VERSION__")
      ? { code: code.replaceAll("__ANYMMAP_VERSION__", JSON.stringify(version)), map: null }
      : null,
};

// The WASM engine inlined as base64 for the Deno, Node and Bun entries: a
// module Deno loads with its code, so the engine needs no --allow-read (a
// file read would), and one that esbuild, `bun build` or
// `bun build --compile` bundles with an app (they leave a file beside the
// module behind). About 110 kB, in one chunk the entries import; the
// browser's entry fetches the .wasm files beside it instead.
const EMBEDDED_WASM = "virtual:anymmap-wasm-base64";
const embedWasm = {
  name: "embed-wasm",
  resolveId: (id) => (id === EMBEDDED_WASM ? `\0${EMBEDDED_WASM}` : null),
  load(id) {
    if (id !== `\0${EMBEDDED_WASM}`) return null;
    const base64 = (file) => {
      this.addWatchFile(file);
      return readFileSync(file).toString("base64");
    };
    return `export const wasmBase64 = { default: ${JSON.stringify(base64("wasm/anymmap.wasm"))}, shared: ${JSON.stringify(base64("wasm/anymmap-shared.wasm"))} };\n`;
  },
};

export default [
  {
    input: {
      node: "src/runtime/node/index.ts",
      cli: "src/runtime/node/cli.ts",
      "run-deno": "src/runtime/deno/run.ts",
      "run-bun": "src/runtime/bun/run.ts",
      deno: "src/runtime/deno/index.ts",
      bun: "src/runtime/bun/index.ts",
    },
    output: {
      dir: "dist",
      format: "es",
      sourcemap,
      entryFileNames: "[name].js",
      // Shared chunks sit beside the entries: modules that find the .wasm and
      // prebuilds/ relative to import.meta.url then work wherever rollup puts them.
      chunkFileNames: "chunk-[name]-[hash].js",
      // Where Deno finds the types of a plain .js module (JSR publishes dist/deno.js as it is).
      banner: (chunk) => (chunk.isEntry && chunk.name === "deno" ? '/* @ts-self-types="./deno.d.ts" */' : ""),
    },
    external,
    plugins: [
      bakeVersion,
      embedWasm,
      typescript({
        tsconfig: "./tsconfig.json",
        // Only src/ is bundled; tests and scripts are type-checked by `tsc`.
        include: ["src/**/*.ts", "types/**/*.d.ts"],
        compilerOptions: { noEmit: false, declaration: false, declarationMap: false },
      }),
    ],
  },
  {
    // The browser entry on its own: one self-contained file (no chunks shared
    // with the Node/Deno/Bun entries), and a build error if anything in it
    // reaches for a Node builtin.
    input: { browser: "src/runtime/browser/index.ts" },
    output: { dir: "dist", format: "es", sourcemap, entryFileNames: "[name].js" },
    external: (id, importer) => {
      if (external(id)) throw new Error(`the browser bundle must not import ${id} (from ${importer})`);
      return false;
    },
    plugins: [
      bakeVersion,
      typescript({
        tsconfig: "./tsconfig.json",
        include: ["src/**/*.ts", "types/**/*.d.ts"],
        compilerOptions: { noEmit: false, declaration: false, declarationMap: false },
      }),
    ],
  },
  {
    // The browser runner of C programs (a dedicated worker), self-contained too.
    input: { "run-worker": "src/runtime/browser/run-worker.ts" },
    output: { dir: "dist", format: "es", sourcemap, entryFileNames: "[name].js" },
    external: (id, importer) => {
      if (external(id)) throw new Error(`the browser runner must not import ${id} (from ${importer})`);
      return false;
    },
    plugins: [
      typescript({
        tsconfig: "./tsconfig.json",
        include: ["src/**/*.ts", "types/**/*.d.ts"],
        compilerOptions: { noEmit: false, declaration: false, declarationMap: false },
      }),
    ],
  },
  // The contract for every runtime, and each runtime entry's own declarations:
  // one self-contained file each (no shared .d.ts chunk), so that Deno, which
  // does not map a chunk's ".js" import to its ".d.ts", reads them as they are
  // (JSR: dist/deno.js names its types with @ts-self-types).
  ...Object.entries({
    index: "src/index.ts",
    node: "src/runtime/node/index.ts",
    deno: "src/runtime/deno/index.ts",
    bun: "src/runtime/bun/index.ts",
    browser: "src/runtime/browser/index.ts",
  }).map(([name, input]) => ({
    input: { [name]: input },
    // `Disposable` comes from this lib; rollup-plugin-dts drops the directive.
    // Deno has it built in, and JSR refuses a directive that changes globals.
    output: { dir: "dist", format: "es", banner: name === "deno" ? "" : '/// <reference lib="esnext.disposable" />' },
    external,
    plugins: [dts({ tsconfig: "./tsconfig.json" })],
  })),
];
