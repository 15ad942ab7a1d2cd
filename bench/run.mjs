#!/usr/bin/env node
/**
 * anymmap's benchmark: every contender, every scenario of issue 3, in one
 * run, reported as ratios to C mmap measured in the same run.
 *
 *   npm run bench                       full run (1 GiB / 6 GiB files)
 *   npm run bench -- --quick            reduced run (64 MiB files, 1k mappings, fewer runs)
 *   node bench/run.mjs [options]
 *
 * Options:
 *   --quick               small files and few runs (a smoke check)
 *   --out DIR             where latest.json / latest.svg / latest.md go (default bench/results)
 *   --only LIST           scenarios to run, e.g. "1,3" or "s4-random" (default all)
 *   --contenders LIST     contender ids to run (default all available)
 *   --runs N              timed runs per contender and scenario (default 7 / 21 full, 3 / 5 quick)
 *   --window GIB          anymmap's window in scenarios 3 and 4 (default 3: the largest
 *                         round size a 4 GiB linear memory holds)
 *   --tmp DIR             where to create the temp directory (default the OS temp dir)
 *   --keep                keep the temp directory (files, binaries) for inspection
 *   --render FILE         only redraw the chart of a saved latest.json (next to it)
 *   --help
 *
 * Writes the tables to stdout and progress to stderr. Builds dist/ first
 * (npm run build) only if it is missing.
 */
import { spawnSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { runtimeEnv } from "../scripts/runtime-env.mjs";
import { CONTENDERS } from "./contenders/index.mjs";
import { manyId, runOrder, scenarios } from "./scenarios.mjs";
import {
  generateCheck,
  generateDense,
  generateMany,
  generateSparse,
  randomPages,
  warm,
  writePagesFile,
} from "./lib/files.mjs";
import { PAGE } from "./lib/kernels.mjs";
import { fileHugePages, machine } from "./lib/machine.mjs";
import { buildC, buildEmcc, installMmapIo, wasiHost } from "./lib/prepare.mjs";
import { deviceOf } from "./lib/procio.mjs";
import { markdownTable, textTable } from "./lib/report.mjs";
import { fmtBytes, fmtRatio, fmtTime, median, summarize } from "./lib/stats.mjs";
import { chart } from "./lib/svg.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const GiB = 2 ** 30;
const MiB = 2 ** 20;
const started = Date.now();

// ---------- options ----------

function parseArgs(argv) {
  const o = {
    quick: false,
    out: join(repo, "bench", "results"),
    only: null,
    contenders: null,
    runs: null,
    tmp: os.tmpdir(),
    keep: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--quick") o.quick = true;
    else if (a === "--out") o.out = resolve(value());
    else if (a === "--only")
      o.only = value()
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
    else if (a === "--contenders")
      o.contenders = value()
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
    else if (a === "--runs") o.runs = Math.max(1, Number.parseInt(value(), 10) || 0);
    else if (a === "--window") {
      o.window = Number(value());
      if (!(o.window > 0 && o.window < 4)) usage("--window takes a size in GiB between 0 and 4");
    } else if (a === "--tmp") o.tmp = resolve(value());
    else if (a === "--keep") o.keep = true;
    else if (a === "--render") o.render = resolve(value());
    else if (a === "--help" || a === "-h") usage();
    else usage(`unknown option ${a}`);
  }
  return o;
}

function usage(error) {
  const text = readHelp();
  if (error) {
    process.stderr.write(`bench: ${error}\n\n${text}`);
    process.exit(2);
  }
  process.stdout.write(text);
  process.exit(0);
}

function readHelp() {
  return `usage: node bench/run.mjs [--quick] [--out DIR] [--only 1,3|s4-random] [--contenders id,...] [--runs N] [--window GIB] [--tmp DIR] [--keep] [--render latest.json]\n`;
}

const opts = parseArgs(process.argv.slice(2));
const cfg = opts.quick
  ? {
      mode: "quick",
      denseSize: 64 * MiB,
      // Not larger: the readFileSync rows of scenarios 3 and 4 read the whole
      // sparse file per run (1 GiB took 4 s per run in Node and 8 s in Deno,
      // over half of the quick run), and a smoke check needs the code paths,
      // not the size.
      sparseSize: 64 * MiB,
      // No warm-up of whole-file runs (a quarter of the quick run): a smoke
      // check needs every code path and a right checksum, not steady-state times.
      heavy: { runs: opts.runs ?? 3, warmup: 0, warmupMs: 0 },
      light: { runs: opts.runs ?? 5, warmup: 1, warmupMs: 100 },
    }
  : {
      mode: "full",
      denseSize: 1 * GiB,
      sparseSize: 6 * GiB,
      heavy: { runs: opts.runs ?? 7, warmup: 1, warmupMs: 1000 },
      light: { runs: opts.runs ?? 21, warmup: 1, warmupMs: 1000 },
    };
Object.assign(cfg, {
  // The many-mappings scenarios (issue 15): time per mapping as the count
  // grows. 100k mappings at once exceed Linux's default vm.max_map_count
  // (65530) even for C, so the largest count is 60k. --quick runs 1k only.
  allManyCounts: [1000, 10000, 60000],
  manyCounts: opts.quick ? [1000] : [1000, 10000, 60000],
  // A contender that slows down as mappings accumulate is cut off here
  // (the row says so) rather than holding the whole run.
  manyTimeoutMs: 60_000,
  // anymmap's windows in scenarios 3 and 4 (a mapping is at most 4 GiB − 1 MiB).
  window: Math.floor(((opts.window ?? 3) * GiB) / PAGE) * PAGE,
  randomPages: 1000,
  dirtyPages: 1000,
  checkSize: 6 * GiB,
  checkOffset: 5 * GiB,
  coldWarmup: opts.quick ? 0 : 1,
  jobTimeoutMs: 15 * 60_000,
});

const log = (msg) =>
  process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${msg}\n`);

// ---------- dist ----------

function newestMtime(dir) {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    t = Math.max(t, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return t;
}

/** Builds dist/ when it is missing; only warns when it looks older than src/ or wasm/. */
function ensureDist() {
  const js = join(repo, "dist", "node.js");
  const wasm = join(repo, "dist", "anymmap.wasm");
  if (existsSync(js) && existsSync(wasm)) {
    try {
      const stale =
        newestMtime(join(repo, "src")) > statSync(js).mtimeMs ||
        !readFileSync(wasm).equals(readFileSync(join(repo, "wasm", "anymmap.wasm")));
      if (stale)
        log("warning: dist/ is older than src/ or wasm/anymmap.wasm: run `npm run build` to measure the current code");
    } catch {
      // no src/ (installed package): nothing to compare
    }
    return;
  }
  log("dist/ is missing: npm run build");
  const r = spawnSync(process.platform === "win32" ? "npm.cmd" : "npm", ["run", "build"], {
    cwd: repo,
    stdio: ["ignore", 2, 2],
  });
  if (r.status !== 0) {
    process.stderr.write("bench: npm run build failed\n");
    process.exit(1);
  }
}

// ---------- temp dir ----------

let tmp;
function cleanup() {
  if (tmp && !opts.keep) {
    try {
      rmSync(tmp, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
}
process.on("exit", cleanup);
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    cleanup();
    process.exit(130);
  });
}

// ---------- runners ----------

const tail = (s, n = 400) => {
  const t = String(s ?? "")
    .trim()
    .replace(/\s+/g, " ");
  return t.length > n ? `…${t.slice(-n)}` : t;
};

/**
 * SIGKILL at the timeout: anymmap's exit hook catches SIGTERM to write back
 * dirty pages, and its listener never runs while a worker is in its
 * synchronous loop, so a SIGTERM never cut a slow contender off (a 7b run
 * went on for 340 s past its 60 s).
 */
function spawnJob(cmd, args, extra = {}) {
  return spawnSync(cmd, args, {
    encoding: "utf8",
    maxBuffer: 256 * MiB,
    timeout: cfg.jobTimeoutMs,
    killSignal: "SIGKILL",
    ...extra,
  });
}

function failure(r, what) {
  if (r.error?.code === "ETIMEDOUT") return { error: `${what} cut off (SIGKILL): it did not finish in time` };
  if (r.error) return { error: `${what}: ${r.error.message}` };
  if (r.signal)
    return {
      error: `${what} killed by ${r.signal}${r.signal === "SIGTERM" ? " (timeout: the run did not finish in time)" : ""}: ${tail(r.stderr)}`,
    };
  return { error: `${what} exited with ${r.status}: ${tail(r.stderr || r.stdout)}` };
}

function parseJsonLine(r, what, marker) {
  const lines = (r.stdout ?? "").split("\n").filter((l) => (marker ? l.startsWith(marker) : l.trim().startsWith("{")));
  const last = lines.at(-1);
  if (!last) return failure(r, what);
  try {
    return JSON.parse(marker ? last.slice(marker.length) : last);
  } catch {
    return failure(r, what);
  }
}

const C_SCENARIO = {
  ...Object.fromEntries(cfg.manyCounts.map((n) => [manyId(n), "many"])),
  "s1-touch": "touch",
  "s1-scan": "scan",
  "s3-tail": "tail",
  "s4-random": "random",
  "s5-msync": "dirty",
  "s6-onepage": "onepage",
};

function runC(c, sc, plan, ctx, prep) {
  const file = sc.many ? ctx.many.dir : sc.id === "s3-tail" || sc.id === "s4-random" ? ctx.sparse.path : ctx.dense.path;
  const pages = sc.many
    ? String(sc.many)
    : sc.id === "s4-random"
      ? ctx.files.randomPages
      : sc.id === "s5-msync"
        ? ctx.files.dirtyPages
        : "-";
  const args = [
    c.mode,
    C_SCENARIO[sc.id],
    file,
    String(plan.runs),
    String(plan.warmup),
    String(plan.warmupMs),
    pages,
    ctx.device ?? "",
  ];
  const r = spawnJob(prep.c.bin, args, sc.many ? { timeout: cfg.manyTimeoutMs } : {});
  const out = parseJsonLine(r, "C bench");
  if (out.extra) {
    for (const k of Object.keys(out.extra)) out.extra[k] = out.extra[k].map((v) => (v < 0 ? null : v));
  }
  return out;
}

/**
 * How a JS contender's process starts in each runtime: the worker forces a
 * GC between whole-file runs (gc() in Node and Deno, Bun.gc in Bun).
 */
const JS_RUNTIMES = {
  node: { command: process.execPath, args: ["--expose-gc"] },
  deno: {
    command: join(repo, "node_modules", ".bin", "deno"),
    args: ["run", "-A", "--no-prompt", "--v8-flags=--expose-gc"],
  },
  bun: { command: join(repo, "node_modules", ".bin", "bun"), args: [] },
};
const JS_ENV = runtimeEnv(repo);

/** A contender's environment: anymmap's rows pin their backend (the default would pick native where it exists). */
function jsEnv(c) {
  return c.anymmap ? { ...JS_ENV, ANYMMAP_BACKEND: c.backend } : JS_ENV;
}

function jsRuntime(c) {
  const rt = JS_RUNTIMES[c.runtime ?? "node"];
  if (!existsSync(rt.command))
    return { unavailable: `${rt.command} is missing: run npm install (deno and bun are devDependencies)` };
  return rt;
}

function runJs(c, sc, plan, ctx, check = false) {
  const rt = jsRuntime(c);
  if (rt.unavailable) return rt;
  const spec = {
    module: join(repo, "bench", "contenders", c.module),
    variant: c.variant,
    scenario: sc?.id,
    ctx,
    runs: plan?.runs,
    warmup: plan?.warmup,
    warmupMs: plan?.warmupMs,
    slowNs: sc && !sc.heavy ? 250e6 : 0,
    slowRuns: cfg.heavy.runs,
    gc: !!sc?.heavy,
    expected: sc ? sc.expected(ctx) : null,
    io: !!sc?.io,
    check,
  };
  const r = spawnJob(rt.command, [...rt.args, join(repo, "bench", "lib", "worker.mjs"), JSON.stringify(spec)], {
    env: jsEnv(c),
    ...(sc?.many ? { timeout: cfg.manyTimeoutMs } : {}),
  });
  return parseJsonLine(r, `${c.label} worker`, "@@BENCH ");
}

function runEmcc(c, sc, plan, ctx, prep) {
  const args = [c.mode, String(ctx.dense.size), String(plan.runs), String(plan.warmup), String(plan.warmupMs)];
  let r;
  if (c.runner === "emcc-js") {
    if (!prep.emcc.noderawfs.ok) return { unavailable: prep.emcc.noderawfs.reason };
    r = spawnJob(process.execPath, [prep.emcc.noderawfs.js, c.mode, ctx.dense.path, ...args.slice(1)]);
  } else {
    if (!prep.emcc.standalone.ok) return { unavailable: prep.emcc.standalone.reason };
    if (!prep.host.ok) return { unavailable: prep.host.reason };
    const spec = {
      host: prep.host.host,
      nodeFile: prep.host.nodeFile,
      wasm: prep.emcc.standalone.wasm,
      file: ctx.dense.path,
      args: ["emmap", c.mode, "fd:3", ...args.slice(1)],
    };
    r = spawnJob(process.execPath, [join(repo, "bench", "lib", "wasi-runner.mjs"), JSON.stringify(spec)]);
  }
  const out = parseJsonLine(r, `${c.label}`);
  if (out.error && c.mode === "mmap" && c.runner === "emcc-wasi" && /errno 52|not implemented/i.test(out.error)) {
    out.error +=
      " — Emscripten's standalone libc has no file-backed mmap (system/lib/standalone/standalone.c: _mmap_js returns -ENOSYS); " +
      "its copying mmap exists only in its JS runtime (row above)";
  }
  return out;
}

/** Scenario 2: a fresh process per run, timed from spawn to exit. */
function runCold(c, sc, plan, ctx, prep) {
  let cmd;
  let args;
  if (c.runner === "c") {
    cmd = prep.c.bin;
    args = [c.mode, "cold", ctx.dense.path, "1", "0", "0"];
  } else {
    const coldCtx = { repo: ctx.repo, dense: ctx.dense, mmapIoDir: ctx.mmapIoDir };
    const rt = jsRuntime(c);
    if (rt.unavailable) return rt;
    cmd = rt.command;
    args = [
      ...rt.args.filter((a) => !a.includes("expose-gc")),
      join(repo, "bench", "lib", "cold.mjs"),
      join(repo, "bench", "contenders", c.module),
      c.variant,
      JSON.stringify(coldCtx),
    ];
  }
  const expected = sc.expected(ctx);
  const samples = [];
  let wrong;
  let checksum;
  for (let i = 0; i < cfg.coldWarmup + plan.runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnJob(cmd, args, { env: jsEnv(c) });
    const t1 = process.hrtime.bigint();
    if (r.status !== 0 || r.signal || r.error) return failure(r, `${c.label} process`);
    const text = r.stdout.trim();
    checksum = c.runner === "c" ? JSON.parse(text).checksum : Number(text.split("\n").at(-1));
    if (checksum !== expected && !wrong) wrong = `checksum ${checksum}, expected ${expected}`;
    if (i >= cfg.coldWarmup) samples.push(Number(t1 - t0));
  }
  return { samples, checksum, wrong, warmupRuns: cfg.coldWarmup };
}

// ---------- scenario 5: did the writes reach the file? ----------

function bytesAt(path, offsets) {
  const fd = openSync(path, "r");
  const b = new Uint8Array(1);
  const out = offsets.map((off) => {
    readSync(fd, b, 0, 1, off);
    return b[0];
  });
  closeSync(fd);
  return out;
}

// ---------- main ----------

const loadAtStart = os.loadavg().map((x) => Number(x.toFixed(2)));

async function main() {
  if (opts.render) {
    const json = JSON.parse(readFileSync(opts.render, "utf8"));
    writeFileSync(join(dirname(opts.render), "latest.svg"), svgOf(json));
    log(`redrew ${join(dirname(opts.render), "latest.svg")}`);
    return;
  }
  ensureDist();
  mkdirSync(opts.tmp, { recursive: true });
  tmp = mkdtempSync(join(opts.tmp, "anymmap-bench-"));
  log(`${cfg.mode} run; temp dir ${tmp}`);

  const wanted = (c) => !opts.contenders || opts.contenders.includes(c.id);
  const active = CONTENDERS.filter((c) => !c.planned && wanted(c));
  const needs = new Set(active.map((c) => c.needs).filter(Boolean));
  // Started before the files are generated: they build while we write.
  const prepPromise = Promise.all([
    needs.has("c") ? buildC(repo, tmp) : { ok: false, reason: "not requested" },
    needs.has("emcc") ? buildEmcc(repo, tmp, cfg.denseSize) : { ok: false, reason: "not requested" },
    needs.has("mmap-io") ? installMmapIo(tmp, opts.quick ? 90_000 : 300_000) : { ok: false, reason: "not requested" },
    needs.has("emcc") ? wasiHost(repo, tmp) : { ok: false, reason: "not requested" },
  ]);

  log(
    `generating ${fmtBytes(cfg.denseSize)} dense file, ${fmtBytes(cfg.sparseSize)} and ${fmtBytes(cfg.checkSize)} sparse files`,
  );
  const dense = generateDense(join(tmp, "dense.bin"), cfg.denseSize);
  const sparse = generateSparse(join(tmp, "sparse.bin"), cfg.sparseSize, cfg.randomPages, 0xbeef);
  const check = generateCheck(join(tmp, "check6g.bin"), cfg.checkSize, cfg.checkOffset);
  const dirty = randomPages(cfg.dirtyPages, cfg.denseSize / PAGE, 0xd1e7, new Set());
  warm(dense.path, dense.size);
  const device = deviceOf(tmp);
  const files = {
    randomPages: writePagesFile(tmp, "random-pages.txt", sparse.randomPages),
    dirtyPages: writePagesFile(tmp, "dirty-pages.txt", dirty),
  };
  const maxMany = Math.max(...cfg.manyCounts);
  log(`generating ${maxMany} one-page files for the many-mappings scenarios`);
  const many = generateMany(join(tmp, "many"), maxMany, cfg.manyCounts);
  const hugeAfterWarm = fileHugePages();

  const [c, emcc, mmapIo, host] = await prepPromise;
  const prep = { c, emcc, mmapIo, host };
  log(
    `prepared: gcc ${c.ok ? "ok" : c.reason}; emcc ${emcc.ok ? `standalone ${emcc.standalone.ok ? "ok" : "failed"}, NODERAWFS ${emcc.noderawfs.ok ? "ok" : "failed"}` : emcc.reason}; ` +
      `mmap-io ${mmapIo.ok ? mmapIo.version : mmapIo.reason}`,
  );

  const ctx = {
    repo,
    dense,
    sparse,
    check,
    s5: { path: dense.path, pages: dirty },
    window: cfg.window,
    device,
    files,
    many: { dir: many.dir, sums: many.sums, counts: Object.fromEntries(cfg.manyCounts.map((n) => [manyId(n), n])) },
    mmapIoDir: mmapIo.ok ? mmapIo.dir : null,
  };

  const all = scenarios(cfg);
  const selected = all.filter(
    (s) => !opts.only || opts.only.some((o) => o === s.id || o === s.n || s.n.startsWith(o) || `s${s.n}` === o),
  );
  const order = runOrder(cfg)
    .map((id) => selected.find((s) => s.id === id))
    .filter(Boolean);
  const results = new Map();

  for (const sc of order) {
    const plan = sc.heavy ? cfg.heavy : cfg.light;
    const rows = [];
    if (sc.io) sc.dirtyBytes = cfg.dirtyPages * PAGE;
    sc.device = device;
    log(`scenario ${sc.n}: ${sc.title}`);
    for (const cont of active) {
      if (cont.only && !cont.only.includes(sc.id)) continue;
      const row = { contender: cont.id, label: cont.label, anymmap: !!cont.anymmap, backend: cont.backend ?? null };
      rows.push(row);
      const need = cont.needs && prep[cont.needs === "mmap-io" ? "mmapIo" : cont.needs];
      if (need && !need.ok) {
        Object.assign(row, { status: "unavailable", reason: need.reason });
        continue;
      }
      if (sc.cold && cont.runner !== "js" && cont.runner !== "c") {
        Object.assign(row, { status: "n/a", reason: "not a whole-process contender" });
        continue;
      }
      if (cont.runner === "js") {
        const mod = await import(pathToFileURL(join(repo, "bench", "contenders", cont.module)).href);
        const s = mod.support(sc.id, cont.variant);
        if (s !== true) {
          Object.assign(row, { status: "n/a", reason: s });
          continue;
        }
      }
      const before = sc.io
        ? bytesAt(
            dense.path,
            dirty.map((p) => p * PAGE),
          )
        : null;
      let out;
      if (sc.cold) out = runCold(cont, sc, plan, ctx, prep);
      else if (cont.runner === "c") out = runC(cont, sc, plan, ctx, prep);
      else if (cont.runner === "js") out = runJs(cont, sc, plan, ctx);
      else out = runEmcc(cont, sc, plan, ctx, prep);

      if (out.unavailable) Object.assign(row, { status: "unavailable", reason: out.unavailable });
      else if (out.error) Object.assign(row, { status: "error", reason: out.error });
      else {
        Object.assign(row, {
          status: out.wrong ? "wrong" : "ok",
          reason: out.wrong,
          samples: out.samples,
          stats: summarize(out.samples),
          warmupRuns: out.warmupRuns ?? null,
          checksum: out.checksum,
          peakRssBytes: out.peakRssBytes ?? null,
          rssStartBytes: out.rssStartBytes ?? null,
        });
        const expected = sc.expected(ctx);
        if (expected !== null && out.checksum !== expected && !out.wrong) {
          Object.assign(row, { status: "wrong", reason: `checksum ${out.checksum}, expected ${expected}` });
        }
        if (out.parts && Object.keys(out.parts).length) {
          row.partSamples = out.parts;
          row.parts = Object.fromEntries(Object.entries(out.parts).map(([k, v]) => [k, median(v)]));
        }
        if (sc.io) {
          const wb = (out.extra?.writeBytes ?? []).filter((v) => v !== null);
          const db = (out.extra?.deviceBytes ?? []).filter((v) => v !== null);
          row.io = {
            writeBytesSamples: out.extra?.writeBytes ?? [],
            deviceBytesSamples: out.extra?.deviceBytes ?? [],
            writeBytes: wb.length ? median(wb) : null,
            deviceBytes: db.length ? median(db) : null,
          };
          row.io.disk = device && row.io.deviceBytes !== null ? row.io.deviceBytes : row.io.writeBytes;
          // Every run added 1 to each page's byte: after W + R runs the file must show it.
          const total = (out.warmupRuns ?? 0) + out.samples.length;
          const after = bytesAt(
            dense.path,
            dirty.map((p) => p * PAGE),
          );
          const lost = after.filter((b, i) => b !== ((before[i] + total) & 255)).length;
          if (lost > 0 && row.status === "ok") {
            Object.assign(row, {
              status: "wrong",
              reason: `${lost} of ${dirty.length} changed bytes are not in the file after msync`,
            });
          }
        }
      }
      log(
        `  ${cont.label}: ${row.status === "ok" ? `${fmtTime(row.stats.median)} (${row.samples.length} runs)` : `${row.status}: ${tail(row.reason, 160)}`}`,
      );
    }
    finishScenario(sc, rows);
    results.set(sc.id, rows);
  }

  // Correctness past 4 GiB.
  const checks = [];
  for (const cont of active.filter((c) => c.check || c.id === "anymmap-wasm-node")) {
    const need = cont.needs && prep[cont.needs === "mmap-io" ? "mmapIo" : cont.needs];
    if (need && !need.ok) {
      checks.push({ contender: cont.id, label: cont.label, status: "unavailable", detail: need.reason });
      continue;
    }
    const out = runJs(cont, null, null, ctx, true);
    const status = out.error ? "error" : out.ok ? "ok" : "WRONG BYTES";
    checks.push({ contender: cont.id, label: cont.label, status, detail: out.error ?? out.detail });
    log(`  past 4 GiB, ${cont.label}: ${status} (${out.error ?? out.detail})`);
  }

  // ---------- output ----------
  const shown = all.filter((s) => results.has(s.id));
  const info = machine(repo, tmp, device);
  info.fileHugePagesAfterWarm = hugeAfterWarm;
  info.loadAverage = { atStart: loadAtStart, atEnd: os.loadavg().map((x) => Number(x.toFixed(2))) };
  const texts = shown.map((sc) => textTable(sc, results.get(sc.id)));
  const planned = CONTENDERS.filter((c) => c.planned);
  const out = [];
  out.push(
    `anymmap benchmark (${cfg.mode}) — ${info.date}`,
    `machine: ${info.cpu}, ${info.cores} cores, ${fmtBytes(info.memoryBytes)} RAM, ${info.os}, Node ${info.node}, ` +
      `${info.filesystem ? `${info.filesystem.type} on ${info.filesystem.dev}` : "unknown file system"}`,
    `anymmap ${info.anymmap}; medians of ${cfg.heavy.runs} (whole-file scenarios) / ${cfg.light.runs} (latency scenarios) runs after warm-up; page cache warm; ` +
      `load average ${info.loadAverage.atStart.join(" ")} at start, ${info.loadAverage.atEnd.join(" ")} at end`,
    "",
  );
  for (const t of texts) out.push(t, "");
  out.push(
    `Correctness past 4 GiB (one page mapped at ${fmtBytes(cfg.checkOffset)} of a ${fmtBytes(cfg.checkSize)} sparse file, compared with the marker written there):`,
  );
  for (const ch of checks) out.push(`  ${ch.label.padEnd(34)} ${ch.status}: ${ch.detail}`);
  out.push("", "Not yet available (rows join when their backend or runner exists):");
  for (const p of planned) out.push(`  ${p.label.padEnd(34)} ${p.planned}`);
  out.push("", "Targets (anymmap WASM):");
  for (const sc of shown) {
    for (const r of results.get(sc.id).filter((r) => r.anymmap)) {
      const t =
        r.status === "ok" ? r.target : { status: r.status === "wrong" ? "WRONG BYTES" : r.status, detail: r.reason };
      out.push(
        `  ${sc.n.padEnd(3)} ${r.label.padEnd(40)} ${(t?.status ?? "—").padEnd(8)} ${t?.detail ?? ""}  [target ${r.backend === "native" ? (sc.nativeTarget?.text ?? "none") : sc.targetText}]`,
      );
      if (r.rssTarget)
        out.push(
          `  ${sc.n.padEnd(3)} ${r.label.padEnd(40)} ${r.rssTarget.status.padEnd(8)} ${r.rssTarget.detail}  [target ${sc.rssTarget.text}]`,
        );
    }
  }
  const seconds = (Date.now() - started) / 1000;
  out.push("", `${cfg.mode} run took ${seconds.toFixed(0)} s`);
  process.stdout.write(out.join("\n") + "\n");

  mkdirSync(opts.out, { recursive: true });
  const json = {
    schema: 1,
    mode: cfg.mode,
    date: info.date,
    durationSeconds: Math.round(seconds),
    machine: info,
    config: {
      denseBytes: cfg.denseSize,
      sparseBytes: cfg.sparseSize,
      window: cfg.window,
      randomPages: cfg.randomPages,
      dirtyPages: cfg.dirtyPages,
      heavy: cfg.heavy,
      light: cfg.light,
      coldWarmup: cfg.coldWarmup,
      filesystem: info.filesystem,
      blockDevice: device,
    },
    prep: {
      gcc: c.ok ? { ok: true } : c,
      emcc: emcc.ok
        ? { ok: true, version: emcc.version, standalone: strip(emcc.standalone), noderawfs: strip(emcc.noderawfs) }
        : emcc,
      mmapIo: mmapIo.ok ? { ok: true, version: mmapIo.version } : mmapIo,
      wasiHost: host.ok ? { ok: true } : host,
    },
    contenders: CONTENDERS.map(({ id, label, anymmap, backend, runner, planned: p }) => ({
      id,
      label,
      anymmap: !!anymmap,
      backend: backend ?? null,
      runner: runner ?? null,
      status: p ? "planned" : wanted({ id }) ? "active" : "not selected",
      ...(p ? { reason: p } : {}),
    })),
    scenarios: shown.map((sc) => ({
      id: sc.id,
      n: sc.n,
      short: sc.short,
      title: sc.title,
      timed: sc.timed,
      target: sc.targetText,
      ...(sc.io ? { dirtyBytes: sc.dirtyBytes, device } : {}),
      rows: results.get(sc.id).map((r) => ({
        contender: r.contender,
        label: r.label,
        status: r.status,
        anymmap: r.anymmap,
        ...(r.reason ? { reason: r.reason } : {}),
        ...(r.samples
          ? { samplesNs: r.samples, medianNs: r.stats.median, minNs: r.stats.min, maxNs: r.stats.max }
          : {}),
        ...(r.warmupRuns !== undefined && r.warmupRuns !== null ? { warmupRuns: r.warmupRuns } : {}),
        ...(r.ratioC !== undefined ? { ratioToCMmap: r.ratioC, ratioToBestOther: r.ratioBest } : {}),
        ...(r.target ? { target: r.target } : {}),
        ...(r.peakRssBytes ? { peakRssBytes: r.peakRssBytes, rssStartBytes: r.rssStartBytes } : {}),
        ...(r.rssTarget ? { rssTarget: r.rssTarget } : {}),
        ...(r.partSamples
          ? {
              phasesNs: Object.fromEntries(
                Object.entries(r.partSamples).map(([k, v]) => [k, { samples: v, median: median(v) }]),
              ),
            }
          : {}),
        ...(r.io ? { io: r.io } : {}),
      })),
    })),
    checksPast4GiB: checks,
  };
  writeFileSync(join(opts.out, "latest.json"), JSON.stringify(json, null, 2) + "\n");
  writeFileSync(join(opts.out, "latest.svg"), svgOf(json));
  writeFileSync(join(opts.out, "latest.md"), markdownOf(shown, results, info, checks, planned, seconds));
  log(`wrote ${join(opts.out, "latest.json")}, latest.svg, latest.md`);
}

function strip(x) {
  return x.ok ? { ok: true } : x;
}

/** Ratios to C mmap and to the best non-anymmap contender, and the targets. */
function finishScenario(sc, rows) {
  sc.targetText = sc.target.text;
  const ok = rows.filter((r) => r.status === "ok");
  const c = ok.find((r) => r.contender === "c-mmap");
  const others = ok.filter((r) => !r.anymmap);
  const best = others.length ? Math.min(...others.map((r) => r.stats.median)) : null;
  for (const r of rows) {
    if (r.status !== "ok" && r.status !== "wrong") continue;
    r.ratioC = c ? r.stats.median / c.stats.median : null;
    r.ratioBest = best ? r.stats.median / best : null;
    if (r.anymmap && r.status === "ok") {
      const t = r.backend === "native" ? sc.nativeTarget : sc.target;
      r.target = t ? t.eval(r, rows, sc) : { status: "n/a", detail: "no target", limitNs: null };
      if (sc.rssTarget && sc.rssTarget.backend === r.backend) {
        const growth = r.peakRssBytes && r.rssStartBytes !== null ? r.peakRssBytes - r.rssStartBytes : null;
        r.rssTarget =
          growth === null
            ? { status: "n/a", detail: "no RSS figures (no /proc)" }
            : {
                status: growth <= sc.rssTarget.limitBytes ? "met" : "MISSED",
                detail: `RSS growth ${fmtBytes(growth)}`,
                text: sc.rssTarget.text,
              };
      }
    }
  }
}

/** The chart, from the JSON (so that --render can redraw it from a saved run). */
function svgOf(json) {
  const groups = json.scenarios.map((sc) => {
    const rows = sc.rows;
    const c = rows.find((r) => r.contender === "c-mmap" && r.status === "ok");
    const bars = rows
      .filter((r) => (r.status === "ok" || r.status === "wrong") && Number.isFinite(r.ratioToCMmap))
      .map((r) => ({ id: r.contender, label: r.label, ratio: r.ratioToCMmap, wrong: r.status === "wrong" }));
    const t = rows.find((r) => r.anymmap && r.target?.limitNs)?.target;
    const failed = rows.find((r) => r.contender === "anymmap-wasm-node" && r.status !== "ok");
    const note = failed
      ? `anymmap: ${failed.status === "wrong" ? "wrong bytes" : (failed.reason ?? failed.status).split(":")[0]}`
      : undefined;
    return { label: sc.short ?? sc.n, bars, target: c && t ? t.limitNs / c.medianNs : null, note };
  });
  const m = json.machine;
  return chart({
    title: "anymmap benchmark: median time ÷ C mmap, same run",
    subtitle: `${m.date.slice(0, 10)} · ${m.cpu}, ${m.cores} cores · Node ${m.node} · ${m.os} · anymmap ${m.anymmap}`,
    groups,
  });
}

/** One line per scenario: anymmap against C mmap and the best other contender, and the target. */
function summaryOf(shown, results) {
  const out = [
    "| scenario | anymmap | C mmap | best other contender | anymmap ÷ C mmap | target | status | peak RSS (growth) |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const sc of shown) {
    const rows = results.get(sc.id);
    const c = rows.find((r) => r.contender === "c-mmap" && r.status === "ok");
    const others = rows.filter((r) => !r.anymmap && r.status === "ok").sort((a, b) => a.stats.median - b.stats.median);
    const best = others[0];
    for (const r of rows.filter((x) => x.anymmap)) {
      const name = r.contender === "anymmap-wasm-node" ? "" : ` (${r.label.replace(/^anymmap WASM \(Node\),? ?/, "")})`;
      const ok = r.status === "ok";
      out.push(
        `| ${sc.n} ${sc.short.replace(/^\S+ /, "")}${name} | ${ok ? fmtTime(r.stats.median) : `${r.status}: ${String(r.reason).split(";")[0].replaceAll("|", "\\|")}`} | ` +
          `${c ? fmtTime(c.stats.median) : "—"} | ${best ? `${best.label} ${fmtTime(best.stats.median)}` : "—"} | ` +
          `${ok && c ? fmtRatio(r.stats.median / c.stats.median) : "—"} | ${r.backend === "native" ? (sc.nativeTarget?.text ?? "—") : sc.targetText} | ` +
          `${ok ? `**${r.target?.status ?? "—"}** ${r.target?.detail ?? ""}` : `**${r.status === "wrong" ? "WRONG BYTES" : "not measured"}**`} | ` +
          `${ok ? `${fmtBytes(r.peakRssBytes)} (${r.rssStartBytes ? `+${fmtBytes(r.peakRssBytes - r.rssStartBytes)}` : "—"})` : "—"}` +
          `${r.rssTarget ? `; ${sc.rssTarget.text}: **${r.rssTarget.status}**` : ""} |`,
      );
    }
  }
  return out.join("\n");
}

function markdownOf(shown, results, info, checks, planned, seconds) {
  const out = [
    `### Benchmark results (${cfg.mode} run, ${info.date.slice(0, 10)})`,
    "",
    `Machine: ${info.cpu}, ${info.cores} cores, ${fmtBytes(info.memoryBytes)} RAM, ${info.os}, Node ${info.node}, ` +
      `${info.filesystem ? `${info.filesystem.type}` : "unknown file system"}${info.blockDevice ? ` on ${info.blockDevice}` : ""}; ` +
      `${info.gcc ?? "no gcc"}; ${info.emcc ?? "no emcc"}; anymmap ${info.anymmap}; load average ${info.loadAverage.atStart.join(" ")} at start. ` +
      `Medians of ${cfg.heavy.runs} (whole-file scenarios) or ${cfg.light.runs} (latency scenarios) runs after warm-up; page cache warm. ` +
      `The run took ${seconds.toFixed(0)} s.`,
    "",
    "![ratios to C mmap](latest.svg)",
    "",
    summaryOf(shown, results),
    "",
  ];
  for (const sc of shown) out.push(markdownTable(sc, results.get(sc.id)), "");
  out.push(
    `#### Correctness past 4 GiB`,
    "",
    `One page mapped at ${fmtBytes(cfg.checkOffset)} of a ${fmtBytes(cfg.checkSize)} sparse file:`,
    "",
  );
  for (const ch of checks) out.push(`- ${ch.label}: **${ch.status}** — ${ch.detail}`);
  out.push("", "#### Not yet available", "");
  for (const p of planned) out.push(`- ${p.label}: ${p.planned}`);
  return out.join("\n") + "\n";
}

main().catch((e) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
