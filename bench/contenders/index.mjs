/**
 * Every contender of the benchmark, one row each. A row says who it is and
 * how it runs (`runner`); run.mjs does the rest. Rows whose backend or
 * runtime does not exist yet carry `planned` and are listed as "not yet
 * available", never measured. To add one: give it a runner ("js" runs
 * lib/worker.mjs with a contender module under its `runtime`) and drop
 * `planned`.
 *
 * Fields:
 *   id, label      stable key (JSON, chart) and the name in tables
 *   anymmap        true for anymmap's own rows: they get the target column
 *                  and are left out of "best other contender"
 *   backend        "wasm" | "native": which targets apply, and, for anymmap's
 *                  rows, the ANYMMAP_BACKEND their process runs with
 *   runner         "js" (module + variant, under `runtime`: "node" by
 *                  default, "deno" or "bun"), "c" (mode), "emcc-wasi",
 *                  "emcc-js" (mode)
 *   only           the scenarios it takes part in (default: all it supports)
 *   needs          a preparation step it depends on ("c", "mmap-io", "emcc", "wasi-host")
 *   planned        why it is not measured yet
 */
export const CONTENDERS = [
  {
    id: "anymmap-wasm-node",
    label: "anymmap WASM (Node)",
    anymmap: true,
    backend: "wasm",
    runner: "js",
    module: "anymmap.mjs",
    variant: "bytes",
  },
  {
    id: "anymmap-wasm-node-pages",
    label: "anymmap WASM (Node), view() per page",
    anymmap: true,
    backend: "wasm",
    runner: "js",
    module: "anymmap.mjs",
    variant: "pages",
    only: ["s1-touch", "s1-scan"],
  },
  {
    id: "anymmap-wasm-node-page-window",
    label: "anymmap WASM (Node), 1-page window",
    anymmap: true,
    backend: "wasm",
    runner: "js",
    module: "anymmap.mjs",
    variant: "page-window",
    only: ["s3-tail"],
  },
  { id: "c-mmap", label: "C mmap", runner: "c", mode: "mmap", needs: "c" },
  { id: "c-pread", label: "C pread", runner: "c", mode: "pread", needs: "c" },
  // What a copying engine cannot go below: the whole file copied into memory that stays resident.
  {
    id: "c-pread-whole",
    label: "C pread, whole file",
    runner: "c",
    mode: "pread-whole",
    needs: "c",
    only: ["s1-touch", "s1-scan"],
  },
  {
    id: "node-readfilesync",
    label: "Node fs.readFileSync",
    runner: "js",
    module: "node-fs.mjs",
    variant: "readFileSync",
  },
  { id: "node-readsync", label: "Node fs.readSync", runner: "js", module: "node-fs.mjs", variant: "readSync" },
  {
    id: "mmap-io",
    label: "@riaskov/mmap-io (Node)",
    runner: "js",
    module: "mmap-io.mjs",
    needs: "mmap-io",
    check: true,
  },
  {
    id: "emcc-noderawfs-mmap",
    label: "Emscripten mmap (JS runtime, NODERAWFS)",
    runner: "emcc-js",
    mode: "mmap",
    needs: "emcc",
    only: ["s6-onepage"],
  },
  {
    id: "emcc-standalone-mmap",
    label: "Emscripten standalone mmap (WASI)",
    runner: "emcc-wasi",
    mode: "mmap",
    needs: "emcc",
    only: ["s6-onepage"],
  },
  {
    id: "emcc-standalone-read",
    label: "Emscripten standalone malloc+read (WASI)",
    runner: "emcc-wasi",
    mode: "read",
    needs: "emcc",
    only: ["s6-onepage"],
  },
  {
    id: "anymmap-wasm-deno",
    label: "anymmap WASM (Deno)",
    anymmap: true,
    backend: "wasm",
    runner: "js",
    runtime: "deno",
    module: "anymmap.mjs",
    variant: "bytes",
  },
  {
    id: "anymmap-wasm-bun",
    label: "anymmap WASM (Bun)",
    anymmap: true,
    backend: "wasm",
    runner: "js",
    runtime: "bun",
    module: "anymmap.mjs",
    variant: "bytes",
  },
  {
    id: "deno-readfilesync",
    label: "Deno.readFileSync",
    runner: "js",
    runtime: "deno",
    module: "deno-fs.mjs",
    variant: "readFileSync",
  },
  { id: "bun-mmap", label: "Bun.mmap", runner: "js", runtime: "bun", module: "bun-mmap.mjs", variant: "mmap" },
  {
    id: "anymmap-native-node",
    label: "anymmap native (Node, N-API)",
    anymmap: true,
    backend: "native",
    runner: "js",
    module: "anymmap.mjs",
    variant: "bytes",
  },
  {
    id: "anymmap-native-deno",
    label: "anymmap native (Deno FFI)",
    anymmap: true,
    backend: "native",
    runner: "js",
    runtime: "deno",
    module: "anymmap.mjs",
    variant: "bytes",
  },
  {
    id: "anymmap-native-bun",
    label: "anymmap native (bun:ffi)",
    anymmap: true,
    backend: "native",
    runner: "js",
    runtime: "bun",
    module: "anymmap.mjs",
    variant: "bytes",
  },
];
