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
      chunkFileNames: "chunks/[name]-[hash].js",
    },
    external,
    plugins: [
      bakeVersion,
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
  {
    // The contract for every runtime, and each runtime entry's own declarations.
    input: {
      index: "src/index.ts",
      node: "src/runtime/node/index.ts",
      deno: "src/runtime/deno/index.ts",
      bun: "src/runtime/bun/index.ts",
      browser: "src/runtime/browser/index.ts",
    },
    // `Disposable` comes from this lib; rollup-plugin-dts drops the directive.
    output: { dir: "dist", format: "es", banner: '/// <reference lib="esnext.disposable" />' },
    external,
    plugins: [dts({ tsconfig: "./tsconfig.json" })],
  },
];
