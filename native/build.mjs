// Builds the native backend for one or more platforms into
// prebuilds/<platform>-<arch>/: the N-API addon for Node (anymmap.node) and
// the plain shared library for Deno FFI and bun:ffi (libanymmap.so, or
// libanymmap.dylib on macOS). The loaders (src/runtime/*/native.ts) look
// there for the platform they run on; a platform without a folder uses the
// WASM engine, and info() says why.
//
// No node-gyp: the addon is compiled straight against Node's headers as a
// shared object whose napi_* symbols stay undefined until Node loads it
// (N-API is ABI-stable, so any Node's headers build an addon for every Node).
//
// Usage: node native/build.mjs [--target PLATFORM-ARCH]... [--all]
//   (no target)  this machine's platform, e.g. linux-x64, with $CC or cc
//   --target     linux-x64 or linux-arm64 (cross-compiled with
//                x86_64-linux-gnu-gcc / aarch64-linux-gnu-gcc on another
//                machine), or this machine's own platform
//   --all        every platform the published package ships (PUBLISHED)
// Headers: $ANYMMAP_NODE_HEADERS, else <node>/../include/node, /usr/include/node,
// or node-gyp's cache. Exits 1 if any target fails.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const native = join(root, "native");

/** The platforms `npm pack` builds and the package ships binaries for. */
const PUBLISHED = ["linux-x64", "linux-arm64"];

/** Debian's cross compilers, for a target that is not this machine. */
const CROSS_CC = { "linux-x64": "x86_64-linux-gnu-gcc", "linux-arm64": "aarch64-linux-gnu-gcc" };

const host = `${process.platform}-${process.arch}`;

function nodeHeaders() {
  const candidates = [
    process.env.ANYMMAP_NODE_HEADERS,
    join(dirname(process.execPath), "..", "include", "node"),
    "/usr/include/node",
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "node-gyp", process.versions.node, "include", "node"),
  ];
  return candidates.find((dir) => dir !== undefined && existsSync(join(dir, "node_api.h")));
}

function run(command, args) {
  const r = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  if (r.error) return r.error.code === "ENOENT" ? `${command} is not installed` : r.error.message;
  return r.status === 0 ? undefined : `${command} exited with ${r.status ?? r.signal}`;
}

/** Builds one target; returns why it failed, or undefined. */
function build(target) {
  const [platform] = target.split("-");
  const cc = target === host ? (process.env.CC ?? "cc") : CROSS_CC[target];
  if (cc === undefined) return `cannot cross-compile for ${target} from ${host}: build on a ${target} machine`;
  const headers = nodeHeaders();
  if (headers === undefined) {
    return "Node's headers (node_api.h) were not found: set ANYMMAP_NODE_HEADERS to a folder that holds them (a Node tarball's include/node)";
  }
  const sources = readdirSync(native).filter((f) => f.endsWith(".c")).sort();
  // On Linux, fstat goes through a plain system call: see native/compat/glibc.c.
  const compat = platform === "linux" ? [join("native", "compat", "glibc.c"), "-Wl,--wrap=fstat"] : [];
  const librarySources = [...sources.filter((f) => f !== "addon.c").map((f) => join("native", f)), ...compat];
  const addonSources = [...sources.map((f) => join("native", f)), ...compat];
  const out = join(root, "prebuilds", target);
  mkdirSync(out, { recursive: true });
  const common = ["-O2", "-Wall", "-Wextra", "-fPIC", "-shared", "-pthread"];
  // The addon's napi_* symbols come from the node binary that loads it: macOS's linker must be told.
  const lateBinding = platform === "darwin" ? ["-undefined", "dynamic_lookup"] : [];
  const library = platform === "darwin" ? "libanymmap.dylib" : "libanymmap.so";
  const steps = [
    // The library must resolve everything itself: libc only.
    [library, [...common, ...(platform === "linux" ? ["-Wl,--no-undefined"] : []), ...librarySources]],
    ["anymmap.node", [...common, `-I${headers}`, ...lateBinding, ...addonSources]],
  ];
  for (const [name, args] of steps) {
    // Written beside, then renamed: a process loading the old file never sees half a new one.
    const partial = join(out, `.${name}.partial`);
    const failure = run(cc, [...args, "-o", partial]);
    if (failure !== undefined) {
      rmSync(partial, { force: true });
      return `${name}: ${failure}`;
    }
    renameSync(partial, join(out, name));
    console.log(`native: ${relative(root, join(out, name))} (${cc})`);
  }
  return undefined;
}

const args = process.argv.slice(2);
const targets = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--target") targets.push(args[++i]);
  else if (args[i] === "--all") targets.push(...PUBLISHED);
  else if (args[i] === "--strict") continue; // failures always exit 1 now; kept for old callers
  else {
    console.error(`native/build.mjs: unknown argument ${args[i]}\nusage: node native/build.mjs [--target PLATFORM-ARCH]... [--all]`);
    process.exit(2);
  }
}
if (targets.length === 0) targets.push(host);

let failed = false;
for (const target of new Set(targets)) {
  const failure = build(target);
  if (failure === undefined) continue;
  failed = true;
  console.error(`native: could not build ${target}: ${failure}`);
}
process.exitCode = failed ? 1 : 0;
