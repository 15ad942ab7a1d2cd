/**
 * Plain node:fs, the way a Node program reads a file without mmap.
 * Variants:
 *   readFileSync  the whole file into one Buffer, then the kernel over it
 *   readSync      pread-style reads into a 256 KiB Buffer (the C pread
 *                 contender's chunk size), the kernel over each chunk
 */
import { closeSync, fdatasyncSync, openSync, readFileSync, readSync, writeSync } from "node:fs";
import { PAGE, firstByte, touch, xor32 } from "../lib/kernels.mjs";

const CHUNK = 256 << 10;

export function support(scenario, variant) {
  if (scenario.startsWith("s7-")) return "the many-mappings scenarios measure anymmap's backends against C only";
  if (variant === "readFileSync" && scenario === "s5-msync") {
    return "no partial write-back: changing 4 MiB would mean rewriting the whole 1 GiB file";
  }
  return true;
}

function whole(variant, path, scan) {
  if (variant === "readFileSync") {
    const b = readFileSync(path);
    return scan ? xor32(b) : touch(b);
  }
  const fd = openSync(path, "r");
  const buf = Buffer.allocUnsafeSlow(CHUNK);
  let c = 0;
  for (let at = 0; ; at += CHUNK) {
    const n = readSync(fd, buf, 0, CHUNK, at);
    if (n === 0) break;
    const v = buf.subarray(0, n);
    c = scan ? c ^ xor32(v) : (c + touch(v)) >>> 0;
    if (n < CHUNK) break;
  }
  closeSync(fd);
  return c >>> 0;
}

export async function job(scenario, variant, ctx) {
  const page = Buffer.allocUnsafeSlow(PAGE);
  switch (scenario) {
    case "s1-touch":
    case "s1-scan": {
      const scan = scenario === "s1-scan";
      return { run: () => ({ checksum: whole(variant, ctx.dense.path, scan) }) };
    }
    case "s3-tail": {
      const { path, size } = ctx.sparse;
      if (variant === "readFileSync") {
        return { run: () => ({ checksum: firstByte(readFileSync(path).subarray(size - PAGE)) }) };
      }
      return {
        run() {
          const fd = openSync(path, "r");
          readSync(fd, page, 0, PAGE, size - PAGE);
          closeSync(fd);
          return { checksum: firstByte(page) };
        },
      };
    }
    case "s4-random": {
      const { path, randomPages } = ctx.sparse;
      const offsets = randomPages.map((p) => p * PAGE);
      if (variant === "readFileSync") {
        return {
          run() {
            const b = readFileSync(path);
            let c = 0;
            for (const off of offsets) c = (c + firstByte(b.subarray(off, off + PAGE))) >>> 0;
            return { checksum: c };
          },
        };
      }
      let fd = -1;
      return {
        before() {
          fd = openSync(path, "r");
        },
        run() {
          let c = 0;
          for (const off of offsets) {
            readSync(fd, page, 0, PAGE, off);
            c = (c + firstByte(page)) >>> 0;
          }
          return { checksum: c };
        },
        after() {
          closeSync(fd);
        },
      };
    }
    case "s5-msync": {
      const { path, pages } = ctx.s5;
      const offsets = pages.map((p) => p * PAGE);
      return {
        run() {
          const fd = openSync(path, "r+");
          for (const off of offsets) {
            readSync(fd, page, 0, PAGE, off);
            page[0] = (page[0] + 1) & 255;
            writeSync(fd, page, 0, PAGE, off);
          }
          fdatasyncSync(fd);
          closeSync(fd);
          return { checksum: 0 };
        },
      };
    }
    case "s6-onepage": {
      const path = ctx.dense.path;
      if (variant === "readFileSync") return { run: () => ({ checksum: firstByte(readFileSync(path)) }) };
      return {
        run() {
          const fd = openSync(path, "r");
          readSync(fd, page, 0, PAGE, 0);
          closeSync(fd);
          return { checksum: firstByte(page) };
        },
      };
    }
    default:
      throw new Error(`no ${scenario} for node:fs`);
  }
}

export async function cold(variant, ctx) {
  return whole(variant, ctx.dense.path, true);
}
