/**
 * Bun.mmap: Bun's built-in mapping (a Uint8Array over the kernel's pages).
 * It has no munmap (the memory goes when the array is collected) and no
 * msync, maps by path only, opens read-write, and refuses more than 4 GiB
 * ("Out of memory"), so the 6 GiB scenarios map windows as anymmap's rows do.
 * Imported by run.mjs in Node for support(); job() and cold() run in Bun.
 */
import { PAGE, firstByte, touch, xor32 } from "../lib/kernels.mjs";

export function support(scenario) {
  if (scenario.startsWith("s7-")) return "the many-mappings scenarios measure anymmap's backends against C only";
  if (scenario === "s5-msync")
    return "Bun.mmap has no msync: dirty pages reach the file only when the kernel writes them back";
  return true;
}

const map = (path, offset, size) => Bun.mmap(path, size === undefined ? { offset } : { offset, size });

export async function job(scenario, variant, ctx) {
  switch (scenario) {
    case "s1-touch":
    case "s1-scan": {
      const kernel = scenario === "s1-scan" ? xor32 : touch;
      return { run: () => ({ checksum: kernel(map(ctx.dense.path, 0)) }) };
    }
    case "s3-tail": {
      const { path, size } = ctx.sparse;
      const length = Math.min(ctx.window, size);
      return { run: () => ({ checksum: firstByte(map(path, size - length, length).subarray(length - PAGE)) }) };
    }
    case "s4-random": {
      const { path, size, randomPages } = ctx.sparse;
      let maps = [];
      return {
        before() {
          for (let at = 0; at < size; at += ctx.window) maps.push(map(path, at, Math.min(ctx.window, size - at)));
        },
        run() {
          let c = 0;
          for (const p of randomPages) {
            const off = p * PAGE;
            const k = Math.floor(off / ctx.window);
            const rel = off - k * ctx.window;
            c = (c + firstByte(maps[k].subarray(rel, rel + PAGE))) >>> 0;
          }
          return { checksum: c };
        },
        after() {
          maps = [];
        },
      };
    }
    case "s6-onepage":
      return { run: () => ({ checksum: firstByte(map(ctx.dense.path, 0)) }) };
    default:
      throw new Error(`no ${scenario} for Bun.mmap`);
  }
}

export async function cold(variant, ctx) {
  return xor32(map(ctx.dense.path, 0));
}
