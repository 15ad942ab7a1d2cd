/**
 * anymmap through its public API, from the built package (dist/node.js,
 * dist/deno.js or dist/bun.js: the entry of the runtime it runs in).
 * Variants:
 *   bytes        the mapping's `bytes` view (one call brings in what the
 *                kernel reads); in scenarios 3 and 4, the largest window
 *                that fits (3 GiB: a mapping is at most 4 GiB − 1 MiB)
 *   pages        a `view()` per 4 KiB page (scenario 1: the lazy path with
 *                read-ahead, as page-at-a-time code would use it)
 *   page-window  scenario 3 with a one-page mapping at the end of the file
 * The many-mappings scenarios (s7-many-*) map ctx.many's one-page files.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { PAGE, firstByte, touch, xor32 } from "../lib/kernels.mjs";
import { markerPage } from "../lib/files.mjs";

/** The package's entry for the runtime this worker runs in, as its exports map would pick it. */
const ENTRY = globalThis.Deno ? "deno.js" : globalThis.Bun ? "bun.js" : "node.js";

let api;
async function load(ctx) {
  api ??= await import(pathToFileURL(join(ctx.repo, "dist", ENTRY)).href);
  return api;
}

const now = () => Number(process.hrtime.bigint());

export function support(scenario, variant) {
  if (variant === "pages" && scenario !== "s1-touch" && scenario !== "s1-scan") return "variant of scenario 1 only";
  if (variant === "page-window" && scenario !== "s3-tail") return "variant of scenario 3 only";
  return true;
}

/** Windows of at most ctx.window bytes covering the file, each in its own instance (own 4 GiB memory). */
function windows(size, window) {
  const out = [];
  for (let at = 0; at < size; at += window) out.push({ offset: at, length: Math.min(window, size - at) });
  return out;
}

export async function job(scenario, variant, ctx) {
  const A = await load(ctx);
  switch (scenario) {
    case "s1-touch":
    case "s1-scan": {
      const scan = scenario === "s1-scan";
      const path = ctx.dense.path;
      if (variant === "pages") {
        return {
          run() {
            const m = A.mmapSync(path);
            let c = 0;
            for (let off = 0; off < m.length; off += PAGE) {
              const v = m.view(off, PAGE);
              c = scan ? c ^ xor32(v) : (c + touch(v)) >>> 0;
            }
            m.munmap();
            return { checksum: c >>> 0 };
          },
        };
      }
      const kernel = scan ? xor32 : touch;
      return {
        run() {
          const t0 = now();
          const m = A.mmapSync(path);
          const t1 = now();
          const bytes = m.bytes;
          const t2 = now();
          const c = kernel(bytes);
          const t3 = now();
          m.munmap();
          const t4 = now();
          return { checksum: c, parts: { mmap: t1 - t0, pagein: t2 - t1, kernel: t3 - t2, munmap: t4 - t3 } };
        },
      };
    }
    case "s3-tail": {
      const { path, size } = ctx.sparse;
      const length = variant === "page-window" ? PAGE : Math.min(ctx.window, size);
      const offset = size - length;
      return {
        run() {
          const t0 = now();
          const m = A.mmapSync(path, { offset, length });
          const t1 = now();
          const c = firstByte(m.view(length - PAGE, PAGE));
          const t2 = now();
          m.munmap();
          const t3 = now();
          return { checksum: c, parts: { mmap: t1 - t0, pagein: t2 - t1, munmap: t3 - t2 } };
        },
      };
    }
    case "s4-random": {
      const { path, size, randomPages } = ctx.sparse;
      const wins = windows(size, ctx.window);
      const instances = wins.map(() => A.createInstance());
      const offsets = randomPages.map((p) => p * PAGE);
      let maps = [];
      return {
        before() {
          maps = wins.map((w, i) => instances[i].mmapSync(path, w));
        },
        run() {
          let c = 0;
          for (const off of offsets) {
            const k = Math.floor(off / ctx.window);
            c = (c + firstByte(maps[k].view(off - k * ctx.window, PAGE))) >>> 0;
          }
          return { checksum: c };
        },
        after() {
          for (const m of maps) m.munmap();
          maps = [];
        },
      };
    }
    case "s5-msync": {
      const { path, pages } = ctx.s5;
      const offsets = pages.map((p) => p * PAGE);
      return {
        run() {
          const t0 = now();
          const m = A.mmapSync(path, { prot: "rw", flags: "shared" });
          const t1 = now();
          for (const off of offsets) {
            const v = m.view(off, PAGE, "write");
            v[0] = (v[0] + 1) & 255;
          }
          const t2 = now();
          m.msync("sync");
          const t3 = now();
          m.munmap();
          const t4 = now();
          return { checksum: 0, parts: { mmap: t1 - t0, dirty: t2 - t1, msync: t3 - t2, munmap: t4 - t3 } };
        },
      };
    }
    case "s6-onepage": {
      const path = ctx.dense.path;
      return {
        run() {
          const t0 = now();
          const m = A.mmapSync(path);
          const t1 = now();
          const c = firstByte(m.view(0, PAGE));
          const t2 = now();
          m.munmap();
          const t3 = now();
          return { checksum: c, parts: { mmap: t1 - t0, pagein: t2 - t1, munmap: t3 - t2 } };
        },
      };
    }
    default: {
      const count = ctx.many?.counts[scenario];
      if (!count) throw new Error(`no ${scenario} for anymmap`);
      // Many mappings at once: each file mapped and touched while the others stay mapped.
      const paths = Array.from({ length: count }, (_, i) => join(ctx.many.dir, `f${i}.bin`));
      return {
        run() {
          const maps = [];
          let c = 0;
          try {
            for (const path of paths) {
              const m = A.mmapSync(path, { prot: "r" });
              maps.push(m);
              c = (c + m.view(0, 1)[0]) >>> 0;
            }
          } finally {
            for (const m of maps) m.munmap();
          }
          return { checksum: c, ops: count };
        },
      };
    }
  }
}

/** Scenario 2's process body: map, scan, exit (no munmap: the process ends). */
export async function cold(variant, ctx) {
  const A = await load(ctx);
  return xor32(A.mmapSync(ctx.dense.path).bytes);
}

/** Maps one page at 5 GiB of a 6 GiB file and compares it with the marker written there. */
export async function check(variant, ctx) {
  const A = await load(ctx);
  const { path, offset } = ctx.check;
  const m = A.mmapSync(path, { offset, length: PAGE });
  const got = m.read(0, PAGE);
  m.munmap();
  return sameBytes(got, markerPage(offset / PAGE));
}

export function sameBytes(got, want) {
  if (got.length !== want.length) return { ok: false, detail: `got ${got.length} bytes, want ${want.length}` };
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) {
      return { ok: false, detail: `byte ${i} is ${got[i]}, the marker has ${want[i]}` };
    }
  }
  return { ok: true, detail: "the marker page, byte for byte" };
}
