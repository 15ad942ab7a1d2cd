/**
 * The npm package @riaskov/mmap-io (a native addon: real mmap(2) behind a
 * Buffer), installed by the bench into its temp directory, never into the
 * project. It has no munmap: a mapping goes when its Buffer is collected,
 * which the worker forces with gc() after each run, outside the timing.
 * Its map() takes size and offset as C ints, so the bench checks what it
 * returns past 4 GiB.
 */
import { closeSync, openSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { PAGE, firstByte, touch, xor32 } from "../lib/kernels.mjs";
import { markerPage } from "../lib/files.mjs";
import { sameBytes } from "./anymmap.mjs";

/** Windows for scenario 4: Buffers hold at most 4 GiB in Node 20, and mmap-io's sizes are ints. */
const WINDOW = 1 << 30;

function load(ctx) {
  if (!ctx.mmapIoDir) throw new Error("@riaskov/mmap-io is not installed");
  return createRequire(join(ctx.mmapIoDir, "package.json"))("@riaskov/mmap-io");
}

export function support(scenario) {
  if (scenario.startsWith("s7-")) return "the many-mappings scenarios measure anymmap's backends against C only";
  return true;
}

function mapFile(mm, path, size, offset = 0, writable = false) {
  const fd = openSync(path, writable ? "r+" : "r");
  try {
    const prot = writable ? mm.PROT_READ | mm.PROT_WRITE : mm.PROT_READ;
    return mm.map(size, prot, mm.MAP_SHARED, fd, offset);
  } catch (e) {
    throw new Error(`map(size ${size}, offset ${offset}) failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    closeSync(fd);
  }
}

export async function job(scenario, variant, ctx) {
  const mm = load(ctx);
  switch (scenario) {
    case "s1-touch":
    case "s1-scan": {
      const kernel = scenario === "s1-scan" ? xor32 : touch;
      return { run: () => ({ checksum: kernel(mapFile(mm, ctx.dense.path, ctx.dense.size)) }) };
    }
    case "s3-tail": {
      const { path, size } = ctx.sparse;
      return { run: () => ({ checksum: firstByte(mapFile(mm, path, PAGE, size - PAGE)) }) };
    }
    case "s4-random": {
      const { path, size, randomPages } = ctx.sparse;
      const offsets = randomPages.map((p) => p * PAGE);
      let maps = [];
      return {
        before() {
          maps = [];
          for (let at = 0; at < size; at += WINDOW) maps.push(mapFile(mm, path, Math.min(WINDOW, size - at), at));
        },
        run() {
          let c = 0;
          for (const off of offsets) {
            const k = Math.floor(off / WINDOW);
            c = (c + maps[k][off - k * WINDOW]) >>> 0;
          }
          return { checksum: c };
        },
        after() {
          maps = [];
        },
      };
    }
    case "s5-msync": {
      const { path, pages } = ctx.s5;
      const offsets = pages.map((p) => p * PAGE);
      return {
        run() {
          const buf = mapFile(mm, path, ctx.dense.size, 0, true);
          for (const off of offsets) buf[off] = (buf[off] + 1) & 255;
          mm.sync(buf, true); // msync(MS_SYNC)
          return { checksum: 0 };
        },
      };
    }
    case "s6-onepage":
      return { run: () => ({ checksum: firstByte(mapFile(mm, ctx.dense.path, ctx.dense.size)) }) };
    default:
      throw new Error(`no ${scenario} for mmap-io`);
  }
}

export async function cold(variant, ctx) {
  return xor32(mapFile(load(ctx), ctx.dense.path, ctx.dense.size));
}

export async function check(variant, ctx) {
  const { path, offset } = ctx.check;
  const got = mapFile(load(ctx), path, PAGE, offset);
  return sameBytes(got, markerPage(offset / PAGE));
}
