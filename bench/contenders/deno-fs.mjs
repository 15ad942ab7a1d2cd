/**
 * Deno's own file API, the way a Deno program reads a file without mmap.
 * Variant:
 *   readFileSync  Deno.readFileSync: the whole file into one Uint8Array,
 *                 then the kernel over it (as Node's readFileSync row)
 * Imported by run.mjs in Node for support(); job() and cold() run in Deno.
 */
import { firstByte, touch, xor32 } from "../lib/kernels.mjs";

export function support(scenario) {
  if (scenario.startsWith("s7-")) return "the many-mappings scenarios measure anymmap's backends against C only";
  if (scenario === "s5-msync") {
    return "no partial write-back: changing 4 MiB would mean rewriting the whole 1 GiB file";
  }
  if (scenario === "s3-tail" || scenario === "s4-random") {
    // Measured: 3 min and 20 GiB of RSS per row, for a row that says only "don't".
    return "reads the whole 6 GiB file into memory on every run to reach a few pages (Node's readFileSync refuses files over 2 GiB)";
  }
  return true;
}

const readAll = (path) => Deno.readFileSync(path);

export async function job(scenario, variant, ctx) {
  switch (scenario) {
    case "s1-touch":
    case "s1-scan": {
      const kernel = scenario === "s1-scan" ? xor32 : touch;
      return { run: () => ({ checksum: kernel(readAll(ctx.dense.path)) }) };
    }
    case "s3-tail": {
      const { path, size } = ctx.sparse;
      return { run: () => ({ checksum: firstByte(readAll(path).subarray(size - 4096)) }) };
    }
    case "s4-random": {
      const { path, randomPages } = ctx.sparse;
      return {
        run() {
          const b = readAll(path);
          let c = 0;
          for (const p of randomPages) c = (c + firstByte(b.subarray(p * 4096, p * 4096 + 4096))) >>> 0;
          return { checksum: c };
        },
      };
    }
    case "s6-onepage":
      return { run: () => ({ checksum: firstByte(readAll(ctx.dense.path)) }) };
    default:
      throw new Error(`no ${scenario} for Deno.readFileSync`);
  }
}

export async function cold(variant, ctx) {
  return xor32(readAll(ctx.dense.path));
}
