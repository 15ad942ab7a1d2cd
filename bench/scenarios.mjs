/**
 * The scenarios of issues 3 and 15, what each one times, the checksum every
 * contender must reproduce, and the targets anymmap is held to.
 */
import { fmtBytes, fmtRatio } from "./lib/stats.mjs";

const GiB = 2 ** 30;
const size = (b) => (b % GiB === 0 ? `${b / GiB} GiB` : fmtBytes(b));

/** `heavy`: runs of a whole file; the others are latency scenarios with more, shorter runs. */
export function scenarios(cfg) {
  const dense = size(cfg.denseSize);
  const sparse = size(cfg.sparseSize);
  return [
    {
      id: "s1-touch",
      n: "1a",
      short: "1a touch",
      title: `Map a ${dense} file and touch every 4 KiB page`,
      timed: "open + map + read one byte of every page + unmap + close (pread/readSync: 256 KiB reads)",
      heavy: true,
      expected: (ctx) => ctx.dense.touchSum,
      // Issue 15: a copying engine's physical limit is the copy itself. C pread re-reads into one
      // 256 KiB buffer that stays in the CPU's cache; the whole-file row copies into resident memory
      // as a mapping must, and is shown beside the verdict without changing it.
      target: ratioTo("c-pread", "C pread", 1.2, { id: "c-pread-whole", name: "C pread of the whole file" }),
      nativeTarget: ratioToC(1.1),
    },
    {
      id: "s1-scan",
      n: "1b",
      short: "1b scan",
      title: `Map a ${dense} file and scan it (XOR of every word)`,
      timed: "open + map + XOR of every word + unmap + close (same kernel for every JS contender; C: 64-bit words)",
      heavy: true,
      expected: (ctx) => ctx.dense.xor,
      target: ratioToC(1.6),
      nativeTarget: ratioToC(1.1),
    },
    {
      id: "s2-cold",
      n: "2",
      short: "2 cold process",
      title: `Whole process: map a ${dense} file + scan, from a cold process`,
      timed:
        "a fresh process per run, spawn to exit: runtime start-up, module load, map, scan, print (page cache warm)",
      heavy: true,
      cold: true,
      expected: (ctx) => ctx.dense.xor,
      target: {
        text: "≤ 0.5× Node readFileSync",
        eval(row, rows) {
          const ref = okRow(rows, "node-readfilesync");
          if (!ref) return na("no Node readFileSync result");
          const r = row.stats.median / ref.stats.median;
          return verdict(r <= 0.5, `${fmtRatio(r)} readFileSync`, 0.5 * ref.stats.median);
        },
      },
    },
    {
      id: "s3-tail",
      n: "3",
      short: "3 last page",
      title: `Map a ${sparse} sparse file and read its last page (in-process latency)`,
      timed:
        `open + map + read the last page + unmap + close; anymmap maps the file's last ${size(cfg.window)} ` +
        '(a mapping is at most 4 GiB − 1 MiB), or only the last page ("1-page window")',
      heavy: false,
      expected: (ctx) => ctx.sparse.lastByte,
      target: ratioToC(2),
      nativeTarget: ratioToC(2),
    },
    {
      id: "s4-random",
      n: "4",
      short: "4 random pages",
      title: `Read 1000 random 4 KiB pages of a ${sparse} file`,
      timed:
        "the 1000 page reads (first byte of each page); map/unmap (open/close) happen outside the timing; " +
        `anymmap maps the file in ${size(cfg.window)} windows, one instance (4 GiB memory) each`,
      heavy: false,
      expected: (ctx) => ctx.sparse.randomSum,
      target: ratioToC(1.0),
      nativeTarget: ratioToC(1.5),
    },
    {
      id: "s5-msync",
      n: "5",
      short: "5 dirty + msync",
      title: `Dirty 1000 random 4 KiB pages of a ${dense} shared mapping, then msync(MS_SYNC)`,
      timed:
        "open + map (shared, read-write) + add 1 to one byte of each page + msync(MS_SYNC) + unmap + close " +
        "(pread/readSync: pread + pwrite per page + fdatasync)",
      heavy: true,
      io: true,
      expected: () => null,
      target: {
        text: "≤ 0.25× C mmap time, disk bytes ≤ 1.05× dirty bytes",
        eval(row, rows, scenario) {
          const c = okRow(rows, "c-mmap");
          if (!c) return na("no C mmap result");
          const r = row.stats.median / c.stats.median;
          const disk = row.io?.disk;
          const dirty = scenario.dirtyBytes;
          const diskOk = disk !== null && disk !== undefined && disk <= 1.05 * dirty;
          const diskText =
            disk === null || disk === undefined ? "disk bytes unknown" : `disk ${(disk / dirty).toFixed(2)}× dirty`;
          return verdict(r <= 0.25 && diskOk, `${fmtRatio(r)} C mmap, ${diskText}`, 0.25 * c.stats.median);
        },
      },
    },
    {
      id: "s6-onepage",
      n: "6",
      short: "6 one page",
      title: `Map a ${dense} file and read one page, against Emscripten's own mmap`,
      timed: "open + map + read page 0 + unmap + close (Emscripten: in-process, around mmap/read/munmap)",
      heavy: false,
      expected: (ctx) => ctx.dense.page0,
      target: ratioToC(2),
      nativeTarget: ratioToC(2),
      // Issue 15: the engine's memory after mapping 1 GiB and reading one page.
      rssTarget: { backend: "wasm", limitBytes: 2 * 2 ** 20, text: "WASM RSS growth ≤ 2 MiB" },
    },
    ...cfg.manyCounts.map((count) => ({
      id: manyId(count),
      n: `7${"abc"[cfg.allManyCounts.indexOf(count)]}`,
      short: `7 many ×${fmtCount(count)}`,
      title: `Map ${fmtCount(count)} one-page files at once, touch each, unmap them all (time per file)`,
      timed:
        "per file: open + map (shared, read-only) + read its first byte, every mapping kept until all are made; " +
        "then every munmap; the sample is the total divided by the count (C pread: open + pread + close)",
      heavy: true,
      many: count,
      expected: (ctx) => ctx.many.sums[count],
      target: ratioToC(2),
      nativeTarget: ratioToC(2),
    })),
  ];
}

export const manyId = (count) => `s7-many-${fmtCount(count)}`;

function fmtCount(n) {
  return n % 1000 === 0 ? `${n / 1000}k` : String(n);
}

function okRow(rows, id) {
  return rows.find((r) => r.contender === id && r.status === "ok");
}

function na(why) {
  return { status: "n/a", detail: why, limitNs: null };
}

/** limitNs: the target as a time in this run, so the chart can draw it against C mmap. */
function verdict(met, detail, limitNs) {
  return { status: met ? "met" : "MISSED", detail, limitNs };
}

function ratioToC(limit) {
  return ratioTo("c-mmap", "C mmap", limit);
}

/** limitNs is drawn on the chart against C mmap, so a target against another reference is converted. */
function ratioTo(id, name, limit, beside) {
  return {
    text: `≤ ${limit}× ${name}`,
    eval(row, rows) {
      const ref = okRow(rows, id);
      if (!ref) return na(`no ${name} result`);
      const r = row.stats.median / ref.stats.median;
      const other = beside && okRow(rows, beside.id);
      const also = other ? `; ${fmtRatio(row.stats.median / other.stats.median)} ${beside.name}` : "";
      return verdict(r <= limit, `${fmtRatio(r)} ${name}${also}`, limit * ref.stats.median);
    },
  };
}

/** Execution order: scenario 5 changes the dense file, so it runs last. */
export function runOrder(cfg) {
  return [
    "s1-touch",
    "s1-scan",
    "s2-cold",
    "s3-tail",
    "s4-random",
    "s6-onepage",
    ...cfg.manyCounts.map(manyId),
    "s5-msync",
  ];
}
