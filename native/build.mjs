// Builds the native backend: the N-API addon for Node (build/Release/anymmap.node,
// node-gyp over binding.gyp) and the plain shared library for Deno FFI and
// bun:ffi (build/libanymmap.so). Runs as the package's `install` script, so it
// never fails: what cannot be built is reported, and anymmap falls back to its
// WASM engine there (info() says why).
// Usage: node native/build.mjs [--strict]   (--strict: exit 1 on failure, for CI)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const strict = process.argv.includes("--strict");
let failed = false;

function run(what, command, args) {
  const r = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  if (r.status === 0) return;
  failed = true;
  console.warn(`anymmap: could not build ${what} (${r.error?.message ?? `exit ${r.status}`}); it will use its WASM engine there`);
}

// npm hands its own node-gyp to install scripts; outside npm, look next to npm.
const nodeGyp =
  process.env.npm_config_node_gyp ?? join(dirname(process.execPath), "..", "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js");
// Debian's node ships its headers in /usr/include/node: no download needed.
const nodedir = existsSync(join(dirname(process.execPath), "..", "include", "node", "node_api.h")) ? [`--nodedir=${join(dirname(process.execPath), "..")}`] : [];
if (existsSync(nodeGyp)) run("the Node addon", process.execPath, [nodeGyp, "rebuild", ...nodedir]);
else run("the Node addon", "node-gyp", ["rebuild", ...nodedir]);

mkdirSync(join(root, "build"), { recursive: true });
const library = process.platform === "darwin" ? "libanymmap.dylib" : "libanymmap.so";
run("the shared library for Deno and Bun", process.env.CC ?? "cc", ["-O2", "-Wall", "-Wextra", "-shared", "-fPIC", "-pthread", "-o", join("build", library), "native/anymmap_native.c", "native/guard.c"]);

process.exitCode = failed && strict ? 1 : 0;
