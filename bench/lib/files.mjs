/**
 * The files the bench measures, generated in its temp directory and removed
 * at the end, with the checksums every contender must reproduce:
 *  - dense.bin: pseudo-random bytes (xorshift32, fixed seed), written in
 *    16 MiB writes and fsync'ed, then read once so the page cache is warm;
 *  - sparse.bin: a sparse file (6 GiB; 1 GiB with --quick) whose only data
 *    are marker pages: page 0, the last page, and the pages scenario 4 reads;
 *  - check6g.bin: a 6 GiB sparse file with one marker page at 5 GiB, to
 *    check that mappings past 4 GiB return the right bytes;
 *  - many/f0.bin, f1.bin, ...: one-page files for the many-mappings
 *    scenarios, whose first bytes sum to a known checksum.
 */
import { closeSync, fsyncSync, mkdirSync, ftruncateSync, openSync, readSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { PAGE, touch, xor32 } from "./kernels.mjs";

const GEN_CHUNK = 16 << 20;

/** A seeded xorshift32 generator: the same numbers on every machine. */
export function rng(seed) {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** `count` distinct random page numbers in [0, pages), in draw order, avoiding `exclude`. */
export function randomPages(count, pages, seed, exclude = new Set()) {
  const next = rng(seed);
  const out = [];
  const seen = new Set(exclude);
  while (out.length < count) {
    const p = (next() * 0x100000000 + next()) % pages;
    if (seen.has(p)) continue;
    seen.add(p);
    out.push(p);
  }
  return out;
}

/** The 4 KiB marker page for page number `page`: first byte never 0, "ANYMMAP@" and the offset, then noise. */
export function markerPage(page) {
  const b = new Uint8Array(PAGE);
  const next = rng(page * 2654435761 + 12345);
  const w = new Uint32Array(b.buffer);
  for (let i = 0; i < w.length; i++) w[i] = next();
  b[0] = 1 + (next() % 255);
  b.set(new TextEncoder().encode("ANYMMAP@"), 8);
  new DataView(b.buffer).setBigUint64(16, BigInt(page) * BigInt(PAGE), true);
  return b;
}

export function generateDense(path, size) {
  const fd = openSync(path, "w");
  const buf = new Uint8Array(GEN_CHUNK);
  const words = new Uint32Array(buf.buffer);
  const next = rng(0x5eed);
  let xor = 0;
  let sum = 0;
  for (let at = 0; at < size; at += GEN_CHUNK) {
    const len = Math.min(GEN_CHUNK, size - at);
    for (let i = 0; i < len >>> 2; i++) words[i] = next();
    const view = buf.subarray(0, len);
    xor ^= xor32(view);
    sum = (sum + touch(view)) >>> 0;
    writeSync(fd, view, 0, len, at);
  }
  fsyncSync(fd);
  closeSync(fd);
  return { path, size, touchSum: sum, xor: xor >>> 0, page0: firstByteOf(path, 0) };
}

export function generateSparse(path, size, dataPages, seed) {
  const pages = size / PAGE;
  const last = pages - 1;
  const random = randomPages(dataPages, pages, seed, new Set([0, last]));
  const fd = openSync(path, "w");
  ftruncateSync(fd, size);
  for (const p of [0, last, ...random]) writeSync(fd, markerPage(p), 0, PAGE, p * PAGE);
  fsyncSync(fd);
  closeSync(fd);
  let randomSum = 0;
  for (const p of random) randomSum = (randomSum + markerPage(p)[0]) >>> 0;
  return { path, size, lastPage: last, lastByte: markerPage(last)[0], randomPages: random, randomSum };
}

export function generateCheck(path, size, offset) {
  const fd = openSync(path, "w");
  ftruncateSync(fd, size);
  writeSync(fd, markerPage(offset / PAGE), 0, PAGE, offset);
  fsyncSync(fd);
  closeSync(fd);
  return { path, size, offset };
}

/** Reads the whole file once (16 MiB reads) so that its pages are in the page cache. */
export function warm(path, size) {
  const fd = openSync(path, "r");
  const buf = new Uint8Array(GEN_CHUNK);
  for (let at = 0; at < size; at += GEN_CHUNK) readSync(fd, buf, 0, Math.min(GEN_CHUNK, size - at), at);
  closeSync(fd);
}

export function firstByteOf(path, offset) {
  const fd = openSync(path, "r");
  const b = new Uint8Array(1);
  readSync(fd, b, 0, 1, offset);
  closeSync(fd);
  return b[0];
}

/** Page numbers as text, one per line, for the C programs. */
export function writePagesFile(dir, name, pages) {
  const p = join(dir, name);
  writeFileSync(p, pages.join("\n") + "\n");
  return p;
}

/** The first byte of many/f<i>.bin. */
export const manyFirstByte = (i) => (i * 7 + 1) & 255;

/** `count` one-page files in `dir`; the sum of the first bytes of the first n of them, for each n in `counts`. */
export function generateMany(dir, count, counts) {
  mkdirSync(dir, { recursive: true });
  const page = new Uint8Array(PAGE);
  for (let i = 0; i < count; i++) {
    page[0] = manyFirstByte(i);
    writeFileSync(join(dir, `f${i}.bin`), page);
  }
  const sums = {};
  for (const n of counts) {
    let c = 0;
    for (let i = 0; i < n; i++) c = (c + manyFirstByte(i)) >>> 0;
    sums[n] = c;
  }
  return { dir, count, sums };
}
