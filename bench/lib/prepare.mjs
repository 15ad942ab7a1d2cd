/**
 * What the contenders need built or installed, each step into the bench's
 * temp directory (mmap-io: a cache of its own), each reported as { ok: true, ... } or { ok: false, reason }
 * so that a failed step only takes its own rows out.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { transpileSrc } from "./transpile.mjs";

/** Runs a command; resolves with { code, stdout, stderr } (never rejects). */
export function run(cmd, args, options = {}) {
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    let child;
    try {
      child = spawn(cmd, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
      resolve({ code: -1, stdout, stderr: String(e) });
      return;
    }
    const timer = options.timeoutMs
      ? setTimeout(() => {
          stderr += `\n(timed out after ${options.timeoutMs / 1000} s)`;
          child.kill("SIGKILL");
        }, options.timeoutMs)
      : null;
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (e) => {
      if (timer) clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: stderr + String(e) });
    });
    child.on("close", (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

const tail = (s, n = 300) => {
  const t = s.trim().replace(/\s+/g, " ");
  return t.length > n ? `…${t.slice(-n)}` : t;
};

export async function buildC(repo, tmp) {
  const bin = join(tmp, "bench-c");
  const r = await run("gcc", ["-O2", "-std=c11", "-Wall", "-o", bin, join(repo, "bench", "c", "bench.c")]);
  if (r.code !== 0) return { ok: false, reason: `gcc failed: ${tail(r.stderr || "gcc not found")}` };
  return { ok: true, bin };
}

/**
 * Two builds of bench/emscripten/emmap.c: standalone (WASI imports only; run
 * under anymmap's WASI host) and Emscripten's JS runtime with NODERAWFS
 * (Emscripten's own file-backed mmap, which copies the mapped range).
 * Debian's emcc runs its JS optimizer with node and needs acorn from
 * /usr/share/nodejs, hence NODE_PATH.
 */
export async function buildEmcc(repo, tmp, length) {
  const which = await run("emcc", ["--version"]);
  if (which.code !== 0) return { ok: false, reason: "emcc not found (apt-get install emscripten)" };
  const src = join(repo, "bench", "emscripten", "emmap.c");
  const MiB = 1 << 20;
  // The mapping (or the malloc'ed copy) plus room for libc; 64 KiB multiples.
  const memory = Math.min(2048 * MiB - 65536, Math.ceil((length + 256 * MiB) / 65536) * 65536);
  const env = { ...process.env, NODE_PATH: ["/usr/share/nodejs", process.env.NODE_PATH].filter(Boolean).join(":") };
  const standalone = join(tmp, "emmap-standalone.wasm");
  const js = join(tmp, "emmap-noderawfs.cjs");
  const [a, b] = await Promise.all([
    run(
      "emcc",
      [
        "-O2",
        "-sSTANDALONE_WASM",
        `-sINITIAL_MEMORY=${memory}`,
        "-sERROR_ON_UNDEFINED_SYMBOLS=0",
        "-o",
        standalone,
        src,
      ],
      { env },
    ),
    run(
      "emcc",
      [
        "-O2",
        "-sNODERAWFS=1",
        "-sENVIRONMENT=node",
        "-sWASM_ASYNC_COMPILATION=0",
        `-sINITIAL_MEMORY=${memory}`,
        "-o",
        js,
        src,
      ],
      { env },
    ),
  ]);
  return {
    ok: true,
    version: which.stdout.split("\n")[0],
    standalone:
      a.code === 0
        ? { ok: true, wasm: standalone }
        : { ok: false, reason: `emcc -sSTANDALONE_WASM failed: ${tail(a.stderr)}` },
    noderawfs: b.code === 0 ? { ok: true, js } : { ok: false, reason: `emcc -sNODERAWFS failed: ${tail(b.stderr)}` },
  };
}

/**
 * `npm install --prefix DIR @riaskov/mmap-io` (builds its addon with
 * node-gyp: about 20 s, the longest step of a quick run), then a load check.
 * DIR is a cache kept between runs, one per Node ABI, platform and
 * architecture ($XDG_CACHE_HOME or ~/.cache, anymmap-bench/); an install
 * that no longer loads there is made again. ANYMMAP_BENCH_NO_CACHE=1
 * installs into the run's temp dir instead.
 */
export async function installMmapIo(tmp, timeoutMs) {
  const key = `mmap-io-node${process.versions.modules}-${process.platform}-${process.arch}`;
  const cacheRoot = process.env.XDG_CACHE_HOME || join(os.homedir(), ".cache");
  const dir = process.env.ANYMMAP_BENCH_NO_CACHE ? join(tmp, "mmap-io") : join(cacheRoot, "anymmap-bench", key);
  const cached = await loadMmapIo(dir);
  if (cached.ok) return cached;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "anymmap-bench-mmap-io", private: true }));
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = await run(npm, ["install", "--prefix", dir, "--no-audit", "--no-fund", "--no-save", "@riaskov/mmap-io"], {
    timeoutMs,
  });
  if (r.code !== 0) return { ok: false, reason: `npm install @riaskov/mmap-io failed: ${tail(r.stderr)}` };
  return loadMmapIo(dir);
}

async function loadMmapIo(dir) {
  const module = join(dir, "node_modules", "@riaskov", "mmap-io");
  if (!existsSync(join(module, "package.json"))) return { ok: false, reason: "not installed" };
  const probe = await run(process.execPath, [
    "-e",
    `require(${JSON.stringify(module)}); console.log(require(${JSON.stringify(join(module, "package.json"))}).version)`,
  ]);
  if (probe.code !== 0)
    return { ok: false, reason: `@riaskov/mmap-io installed but does not load: ${tail(probe.stderr)}` };
  return { ok: true, dir, version: probe.stdout.trim() };
}

export async function wasiHost(repo, tmp) {
  try {
    if (!existsSync(join(repo, "node_modules", "typescript"))) {
      return { ok: false, reason: "typescript is not installed (npm install): needed to load src/wasi/host.ts" };
    }
    return { ok: true, ...(await transpileSrc(repo, join(tmp, "anymmap-src"))) };
  } catch (e) {
    return { ok: false, reason: `cannot transpile src/wasi/host.ts: ${e instanceof Error ? e.message : String(e)}` };
  }
}
