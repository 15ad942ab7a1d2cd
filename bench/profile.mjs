#!/usr/bin/env node
/**
 * Where anymmap's time goes, per benchmark operation: runs each operation
 * in a loop under V8's sampling profiler (node:inspector, the same profiler
 * as `node --cpu-prof`) and prints the functions with the most self time,
 * C functions of the engine included. For C names, the engine is rebuilt
 * with `emcc --profiling-funcs` (same flags as scripts/build-wasm.sh) into a
 * copy of dist/ in a temp directory; without emcc, they show as
 * wasm-function[N].
 *
 *   node bench/profile.mjs [--ops s1-touch,s3-page,...] [--seconds 4] [--top 14] [--many 1000]
 *
 * Ops: s1-touch s1-scan s3-page s3-window s4 s5 s6 s7 (see OPS in
 * lib/profile-worker.mjs). Files: 1 GiB dense, 6 GiB sparse, 1,000 (--many) one-page
 * files, in a temp directory removed at the end. The backend is the
 * default one (native in Node where its addon is built): set
 * ANYMMAP_BACKEND=wasm to profile the WASM engine.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { generateDense, generateMany, generateSparse, warm } from "./lib/files.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const ops = arg("--ops", "s1-touch,s1-scan,s3-page,s3-window,s4,s5,s6").split(",");
const seconds = Number(arg("--seconds", "4"));
const top = Number(arg("--top", "14"));

const tmp = mkdtempSync(join(os.tmpdir(), "anymmap-profile-"));
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));

// A copy of dist/ whose engine carries C function names.
const dist = join(tmp, "dist");
cpSync(join(repo, "dist"), dist, { recursive: true });
// The native backend's loader looks for prebuilds/ beside dist/.
if (existsSync(join(repo, "prebuilds"))) cpSync(join(repo, "prebuilds"), join(tmp, "prebuilds"), { recursive: true });
const exportsList = readFileSync(join(repo, "wasm", "exports.txt"), "utf8")
  .split("\n")
  .map((l) => l.replace(/#.*/, "").trim())
  .filter(Boolean)
  .map((s) => `_${s}`)
  .join(",");
const sources = readdirSync(join(repo, "wasm", "src"))
  .filter((f) => f.endsWith(".c"))
  .sort()
  .map((f) => join("wasm", "src", f));
// The flags of scripts/build-wasm.sh, plus --profiling-funcs.
const build = spawnSync(
  "emcc",
  [
    "-O2",
    "--profiling-funcs",
    "-std=c11",
    "-D_GNU_SOURCE",
    "-sSTANDALONE_WASM",
    "--no-entry",
    "-sINITIAL_MEMORY=4294967296",
    "-sWASM_BIGINT",
    "-sERROR_ON_UNDEFINED_SYMBOLS=0",
    "-mbulk-memory",
    "-msimd128",
    `-sEXPORTED_FUNCTIONS=${exportsList}`,
    "-I",
    "wasm/include",
    "-o",
    join(dist, "anymmap.wasm"),
    ...sources,
  ],
  { cwd: repo, encoding: "utf8" },
);
if (build.status === 0) {
  process.stderr.write("profile: engine rebuilt from wasm/src with --profiling-funcs (C names below)\n");
} else {
  process.stderr.write(
    `profile: emcc unavailable or failed (${(build.stderr || String(build.error)).trim().split("\n")[0]}); ` +
      "C functions show as wasm-function[N]\n",
  );
  cpSync(join(repo, "dist", "anymmap.wasm"), join(dist, "anymmap.wasm"));
}

process.stderr.write("profile: generating files\n");
const dense = generateDense(join(tmp, "dense.bin"), 2 ** 30);
const sparse = generateSparse(join(tmp, "sparse.bin"), 6 * 2 ** 30, 1000, 0xbeef);
warm(dense.path, dense.size);
const manyDir = join(tmp, "many");
const manyCount = Number(arg("--many", "1000"));
generateMany(manyDir, manyCount, [manyCount]);
// The worker builds the paths: 10k of them would overflow its command line.
const many = { dir: manyDir, count: manyCount };

for (const op of ops) {
  const spec = { dist: join(dist, "node.js"), op, seconds, top, dense, sparse, many };
  const r = spawnSync(process.execPath, [join(repo, "bench", "lib", "profile-worker.mjs"), JSON.stringify(spec)], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 << 20,
  });
  if (r.error || r.status !== 0) process.stderr.write(`profile: ${op} failed: ${r.error ?? `exit ${r.status}`}\n`);
  process.stdout.write((r.stdout ?? "") + "\n");
}
