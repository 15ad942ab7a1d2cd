#!/usr/bin/env node
/**
 * Issue 15's memory target, measured on its own: how much the resident set
 * of a process grows when a WASM engine maps a 1 GiB file and reads one
 * page (and after it unmaps it), over the same engine warmed up and empty.
 * The bench's RSS columns are the peak over every run of a scenario (warm-up
 * included), so they also count the runtime's own growth over hundreds of
 * runs; this isolates one operation.
 *
 *   node bench/rss-one-mapping.mjs [FILE]
 *   npx deno run -A bench/rss-one-mapping.mjs [FILE]
 *   npx bun bench/rss-one-mapping.mjs [FILE]
 *
 * FILE defaults to a 1 GiB sparse file created (and removed) in the temp
 * directory. Needs dist/ (npm run build) and /proc (Linux).
 */
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync } from "node:fs";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { rss } from "./lib/procio.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const entry = globalThis.Deno ? "deno.js" : globalThis.Bun ? "bun.js" : "node.js";
const runtime = globalThis.Deno ? "Deno" : globalThis.Bun ? "Bun" : "Node";
const api = await import(pathToFileURL(join(repo, "dist", entry)).href);

let path = process.argv[2];
let tmp;
if (!path) {
  tmp = mkdtempSync(join(os.tmpdir(), "anymmap-rss-"));
  path = join(tmp, "one-gib.bin");
  const fd = openSync(path, "w");
  ftruncateSync(fd, 1 << 30);
  closeSync(fd);
}
const MiB = 1 << 20;
const fmt = (bytes) => `${(bytes / MiB).toFixed(2)} MiB`;
try {
  const space = api.createInstance({ backend: "wasm" });
  // The code paths run once on a one-page mapping first, so that what is
  // measured below is the mapping, not compilation.
  for (let i = 0; i < 3; i++) {
    const warm = space.mmapSync(path, { length: 4096 });
    warm.view(0, 4096);
    warm.munmap();
  }
  const empty = rss().now;
  const m = space.mmapSync(path);
  m.view(0, 4096);
  const mapped = rss().now;
  m.munmap();
  const unmapped = rss().now;
  if (empty === null) throw new Error("no /proc/self/status: RSS cannot be measured here");
  console.log(
    `${runtime}: map 1 GiB + read one page: RSS +${fmt(mapped - empty)} over the empty engine; after munmap +${fmt(unmapped - empty)} (target ≤ 2 MiB)`,
  );
} finally {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}
