#!/usr/bin/env node
/**
 * The cost of eager mappings in C programs (issue 14): a C program maps a
 * 1 GiB file and reads one page of it, built with gcc (the kernel's lazy
 * mmap) and with `anymmap cc` (run with `anymmap run` in Node, where a
 * mapping is made resident when it is created). Reports the median over
 * the runs of the time mmap took inside the program, the first read of the
 * page, munmap, and the whole process (start to exit). Run by `npm run bench` after
 * bench/run.mjs; alone: `node bench/c-program.mjs [--quick] [--out DIR]`.
 *
 * The file is written once (dense, so that both builds read real data from
 * the page cache) into the temp directory and removed afterwards.
 */
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const outIndex = args.indexOf("--out");
const outDir = outIndex >= 0 ? args[outIndex + 1] : join(root, "bench", "results");
const SIZE = quick ? 256 << 20 : 1 << 30;
const RUNS = quick ? 3 : 7;
const source = join(root, "bench", "c", "map_one_page.c");

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function have(cmd) {
  const r = spawnSync(cmd, ["--version"], { stdio: "ignore" });
  return !r.error && r.status === 0;
}

if (!have("gcc") || !have("emcc")) {
  console.error("bench/c-program.mjs: skipped (needs gcc and emcc)");
  process.exit(0);
}
if (!existsSync(join(root, "dist"))) {
  spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
}

const tmp = mkdtempSync(join(os.tmpdir(), "anymmap-bench-c-"));
try {
  const native = join(tmp, "map_one_page");
  const wasm = join(tmp, "map_one_page.wasm");
  for (const [cmd, cmdArgs] of [
    ["gcc", ["-O2", "-o", native, source]],
    [process.execPath, [join(root, "bin", "anymmap.js"), "cc", "-O2", "-o", wasm, source]],
  ]) {
    const r = spawnSync(cmd, cmdArgs, { stdio: ["ignore", "inherit", "inherit"] });
    if (r.status !== 0) throw new Error(`${cmd} ${cmdArgs.join(" ")} failed`);
  }
  // Dense, one MiB at a time; the page read is in the middle.
  const file = join(tmp, "data");
  const fd = openSync(file, "w");
  const chunk = Buffer.alloc(1 << 20);
  for (let i = 0; i < SIZE / chunk.length; i++) {
    chunk.fill(i & 0xff);
    writeSync(fd, chunk);
  }
  closeSync(fd);
  const page = String(SIZE / 2 / 4096);
  const commands = {
    "gcc (Linux mmap)": [native, [file, page]],
    "anymmap cc, Node": [
      process.execPath,
      [join(root, "bin", "anymmap.js"), "run", "--dir", `${tmp}:${tmp}`, wasm, file, page],
    ],
  };
  const rows = [];
  for (const [name, [cmd, cmdArgs]] of Object.entries(commands)) {
    const mmapNs = [];
    const readNs = [];
    const munmapNs = [];
    const wallMs = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(cmd, cmdArgs, { encoding: "utf8" });
      const t1 = process.hrtime.bigint();
      if (r.status !== 0) throw new Error(`${name}: exit ${r.status}: ${r.stderr}`);
      const [m, rd, um] = r.stdout.trim().split(" ").map(Number);
      mmapNs.push(m);
      readNs.push(rd);
      munmapNs.push(um);
      wallMs.push(Number(t1 - t0) / 1e6);
    }
    rows.push({
      name,
      mmapMs: median(mmapNs) / 1e6,
      readMs: median(readNs) / 1e6,
      munmapMs: median(munmapNs) / 1e6,
      processMs: median(wallMs),
    });
  }
  const mib = SIZE >> 20;
  const lines = [
    `C program: map a ${mib} MiB file (MAP_SHARED, PROT_READ), read one page; median of ${RUNS} runs`,
    "",
    "| build | mmap | first read of the page | munmap | whole process |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.mmapMs.toFixed(3)} ms | ${r.readMs.toFixed(3)} ms | ${r.munmapMs.toFixed(3)} ms | ${r.processMs.toFixed(0)} ms |`,
    ),
  ];
  console.log(lines.join("\n"));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "c-program.md"), `${lines.join("\n")}\n`);
  writeFileSync(join(outDir, "c-program.json"), `${JSON.stringify({ sizeBytes: SIZE, runs: RUNS, rows }, null, 2)}\n`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
