/**
 * madvise(2): accepted and rejected advice, MADV_DONTNEED per mapping kind,
 * WILLNEED prefetch, SEQUENTIAL/RANDOM read-ahead; mincore(2) residency.
 */
import { anymmap, beforeEach, describe, expect, expectMmapError, fx, it, itPartly, pattern } from "../harness/index.js";

// Every test asserts something, on every backend: one that checks nothing fails.
beforeEach(() => expect.hasAssertions());

const P = anymmap.pageSize;
/**
 * The WASM engine pages files in itself: its host I/O counters and mincore
 * show its own read-ahead. The native backend's pages are the kernel's page
 * cache, where a file just written is already resident and reads are not
 * counted: there the tests check the bytes and what the kernel promises.
 */
const ownPaging = anymmap.backend === "wasm";
const OWN_PAGING =
  "host I/O counters and engine residency: wasm only, the native backend's pages are the kernel's page cache";
/** Tests some of whose checks need ownPaging: those are reported skipped elsewhere, never passed. */
const itOwnPaging = itPartly(ownPaging, OWN_PAGING);

function patched(base: Uint8Array, at: number, bytes: Uint8Array): Uint8Array {
  const out = base.slice();
  out.set(bytes, at);
  return out;
}

const zeros = (n: number) => new Uint8Array(n);
const ones = (n: number) => new Uint8Array(n).fill(1);

describe("madvise: accepted and rejected advice", () => {
  const harmless: Array<number | string> = [
    "normal",
    "random",
    "sequential",
    "willneed",
    "MADV_SEQUENTIAL",
    "MADV_WILLNEED",
    anymmap.MADV_NORMAL,
    anymmap.MADV_RANDOM,
    anymmap.MADV_SEQUENTIAL,
    anymmap.MADV_WILLNEED,
    10, // MADV_DONTFORK
    11, // MADV_DOFORK
    12, // MADV_MERGEABLE
    13, // MADV_UNMERGEABLE
    14, // MADV_HUGEPAGE
    15, // MADV_NOHUGEPAGE
    16, // MADV_DONTDUMP
    17, // MADV_DODUMP
    18, // MADV_WIPEONFORK
    19, // MADV_KEEPONFORK
    20, // MADV_COLD
    21, // MADV_PAGEOUT
    22, // MADV_POPULATE_READ
  ];
  for (const advice of harmless) {
    it(`accepts ${JSON.stringify(advice)} and keeps every mapping's bytes`, () => {
      const space = anymmap.createInstance();
      const data = pattern(4 * P, 1);
      const path = fx.file(data, "advice");
      const shared = space.mmapSync(path, { prot: "rw", flags: "shared" });
      const priv = space.mmapSync(path, { prot: "rw", flags: "private" });
      const anon = space.mmapSync(null, { length: 4 * P, prot: "rw" });
      const w = pattern(64, 2);
      shared.write(w, 10);
      priv.write(w, P + 10);
      anon.write(data, 0);
      for (const m of [shared, priv, anon]) {
        // Linux allows MADV_WIPEONFORK on private anonymous memory only; the WASM engine, which never forks, accepts it everywhere.
        if (advice === 18 && m !== anon && space.backend === "native") {
          expectMmapError(() => m.madvise(advice), "EINVAL", "madvise");
          continue;
        }
        m.madvise(advice);
        m.madvise(advice, P, 2 * P);
        space.madvise(m.address, m.length, advice);
      }
      expect(shared.read()).toEqual(patched(data, 10, w));
      expect(priv.read()).toEqual(patched(patched(data, 10, w), P + 10, w));
      expect(anon.read()).toEqual(data);
      shared.msync("sync");
      expect(fx.read(path)).toEqual(patched(data, 10, w));
    });
  }

  for (const advice of [999, 5, 6, 7, 100, 0x7fffffff, -1, 1.5, Number.NaN, "bogus", "dontneed|bogus", "", {}]) {
    it(`rejects ${typeof advice === "string" ? JSON.stringify(advice) : typeof advice === "object" ? "{}" : String(advice)} with EINVAL`, () => {
      const space = anymmap.createInstance();
      const m = space.mmapSync(null, { length: 2 * P, prot: "rw" });
      m.write("kept", 0);
      expectMmapError(() => m.madvise(advice as never), "EINVAL", "madvise");
      expectMmapError(() => space.madvise(m.address, m.length, advice as never), "EINVAL", "madvise");
      expect(new TextDecoder().decode(m.read(0, 4))).toBe("kept");
    });
  }

  it("MADV_FREE is for private anonymous memory: EINVAL on file and shared mappings, whose bytes and private writes stay", () => {
    const space = anymmap.createInstance();
    const data = pattern(2 * P, 4);
    const path = fx.file(data, "advice-free");
    const priv = space.mmapSync(path, { prot: "rw", flags: "private" });
    const shared = space.mmapSync(path, { prot: "rw", flags: "shared" });
    const sharedAnon = space.mmapSync(null, { length: 2 * P, prot: "rw", flags: "shared" });
    const w = pattern(64, 5);
    priv.write(w, 10);
    shared.write(w, P + 10);
    sharedAnon.write(w, 0);
    for (const m of [priv, shared, sharedAnon]) {
      expectMmapError(() => m.madvise("free"), "EINVAL", "madvise");
      expectMmapError(() => space.madvise(m.address, m.length, anymmap.MADV_FREE), "EINVAL", "madvise");
    }
    expect(priv.read(0, P)).toEqual(patched(data.subarray(0, P), 10, w));
    expect(shared.read()).toEqual(patched(data, P + 10, w));
    expect(sharedAnon.read(0, 64)).toEqual(w);
    // Private anonymous memory takes it; its pages may be zeros at once or keep their bytes until the kernel needs them.
    const anon = space.mmapSync(null, { length: 2 * P, prot: "rw" });
    anon.write(w, 0);
    anon.madvise("free");
    expect([w, zeros(64)]).toContainEqual(anon.read(0, 64));
  });

  it("MADV_REMOVE of a private mapping is Linux's EINVAL (anonymous) or EACCES (file), before any ENOTSUP or ENOMEM", () => {
    // Linux's madvise_remove: no file behind the vma (private anonymous memory) is EINVAL, a file vma that is not
    // shared and may-write is EACCES. The WASM engine answered ENOTSUP for all of them; the native backend EINVAL.
    const space = anymmap.createInstance();
    const data = pattern(2 * P, 6);
    const path = fx.file(data, "advice-remove");
    const ro = space.openSync(path, "r");
    const anon = space.mmapSync(null, { length: 2 * P, prot: "rw" });
    const priv = space.mmapSync(path, { prot: "rw", flags: "private" });
    const privRo = space.mmapSync(ro, { prot: "r", flags: "private" });
    const sharedRo = space.mmapSync(ro, { prot: "r", flags: "shared" });
    const w = pattern(64, 7);
    anon.write(w, 0);
    priv.write(w, 0);
    for (const [m, code] of [
      [anon, "EINVAL"],
      [priv, "EACCES"],
      [privRo, "EACCES"],
      [sharedRo, "EACCES"],
    ] as const) {
      expectMmapError(() => m.madvise("remove"), code, "madvise");
      expectMmapError(() => space.madvise(m.address, m.length, anymmap.MADV_REMOVE), code, "madvise");
    }
    // The vma's answer comes before the ENOMEM of a hole in the range, as on Linux.
    anon.munmap(P, P);
    expectMmapError(() => space.madvise(anon.address, 2 * P, "remove"), "EINVAL", "madvise");
    expect(anon.read(0, 64)).toEqual(w);
    expect(priv.read(0, 64)).toEqual(w);
    expect(sharedRo.read()).toEqual(data);
    expect(fx.read(path)).toEqual(data);
    // A shared writable mapping: Linux punches a hole (the pages read zeros); WASI has no call for it.
    const shared = space.mmapSync(path, { prot: "rw", flags: "shared" });
    if (space.backend === "native") {
      shared.madvise("remove", 0, P);
      expect(shared.read(0, P)).toEqual(zeros(P));
      expect(fx.read(path)).toEqual(new Uint8Array([...zeros(P), ...data.subarray(P)]));
    } else {
      expectMmapError(() => shared.madvise("remove", 0, P), "ENOTSUP", "madvise");
      expect(shared.read()).toEqual(data);
    }
    for (const m of [anon, priv, privRo, sharedRo, shared]) m.munmap();
    ro.close();
  });

  it("rejects an unaligned address or offset with EINVAL", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 2 * P, prot: "rw" });
    expectMmapError(() => m.madvise("willneed", 1), "EINVAL", "madvise");
    expectMmapError(() => space.madvise(m.address + 100, P, "normal"), "EINVAL", "madvise");
  });

  it("a range with unmapped pages gives ENOMEM at the address level", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 3 * P, prot: "rw" });
    m.munmap(P, P);
    expectMmapError(() => space.madvise(m.address, 3 * P, "normal"), "ENOMEM", "madvise");
    expectMmapError(() => space.madvise(0x40000000, P, "willneed"), "ENOMEM", "madvise");
  });

  it("through the object, a range over a hole gives ENOMEM, and the mapped parts still get the advice", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 3 * P, prot: "rw" });
    m.write(new Uint8Array(3 * P).fill(9), 0);
    m.munmap(P, P);
    expectMmapError(() => m.madvise("dontneed"), "ENOMEM", "madvise");
    expect(m.read(0, P)).toEqual(zeros(P));
    expect(m.read(2 * P, P)).toEqual(zeros(P));
  });
});

describe("MADV_DONTNEED", () => {
  it("zero-fills private anonymous pages (only those in the range), in place", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 4 * P, prot: "rw" });
    const data = pattern(4 * P, 3);
    m.write(data, 0);
    const view = m.view(0, 4 * P);
    m.madvise("dontneed", P, 2 * P);
    const expected = patched(data, P, zeros(2 * P));
    expect(m.read()).toEqual(expected);
    expect(view).toEqual(expected);
    m.madvise(anymmap.MADV_DONTNEED);
    expect(m.read()).toEqual(zeros(4 * P));
    // Still writable afterwards.
    m.write("again", 3 * P);
    expect(new TextDecoder().decode(m.read(3 * P, 5))).toBe("again");
  });

  it("zero-fills private anonymous pages at the address level too", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 2 * P, prot: "rw" });
    m.write(pattern(2 * P, 4), 0);
    space.madvise(m.address, 2 * P, 4);
    expect(m.read()).toEqual(zeros(2 * P));
  });

  it("keeps shared anonymous data", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 4 * P, prot: "rw", flags: "shared" });
    const data = pattern(4 * P, 5);
    m.write(data, 0);
    m.madvise("dontneed");
    expect(m.read()).toEqual(data);
  });

  it("keeps shared file data, which still reaches the file", () => {
    const space = anymmap.createInstance();
    const data = pattern(4 * P, 6);
    const path = fx.file(data, "dontneed-shared");
    const m = space.mmapSync(path, { prot: "rw", flags: "shared" });
    const w = pattern(P, 7);
    m.write(w, 2 * P);
    m.madvise("dontneed");
    const expected = patched(data, 2 * P, w);
    expect(m.read()).toEqual(expected);
    m.msync("sync");
    expect(fx.read(path)).toEqual(expected);
  });

  it("re-reads a private file mapping's pages from the file: private changes are dropped", () => {
    const space = anymmap.createInstance();
    const data = pattern(4 * P, 8);
    const path = fx.file(data, "dontneed-private");
    const m = space.mmapSync(path, { prot: "rw", flags: "private" });
    m.write(new Uint8Array(4 * P).fill(0x11), 0);
    m.madvise("dontneed", 0, 2 * P);
    expect(m.read(0, 2 * P)).toEqual(data.subarray(0, 2 * P));
    expect(m.read(2 * P, 2 * P)).toEqual(new Uint8Array(2 * P).fill(0x11));
    m.madvise("dontneed");
    expect(m.read()).toEqual(data);
    expect(fx.read(path)).toEqual(data);
  });

  it("a private file mapping re-reads what the file holds now", () => {
    const space = anymmap.createInstance();
    const data = pattern(2 * P, 9);
    const path = fx.file(data, "dontneed-private-changed");
    const m = space.mmapSync(path, { prot: "rw", flags: "private" });
    m.write("mine", 0);
    const fresh = pattern(2 * P, 10);
    fx.write(path, fresh);
    m.madvise("dontneed");
    expect(m.read()).toEqual(fresh);
  });
});

describe("MADV_WILLNEED", () => {
  itOwnPaging("makes the pages resident (mincore) and reads them from the file (hostIO), once", (checks) => {
    const space = anymmap.createInstance();
    const data = pattern(16 * P, 11);
    const path = fx.file(data, "willneed");
    space.resetHostIO();
    const m = space.mmapSync(path, { prot: "r" });
    if (checks) expect(space.hostIO.reads).toBe(0);
    if (checks) expect(Array.from(m.mincore())).toEqual(Array.from(zeros(16)));
    m.madvise("willneed", 4 * P, 8 * P);
    expect(Array.from(m.mincore(4 * P, 8 * P))).toEqual(Array.from(ones(8)));
    if (checks) expect(space.hostIO.reads).toBeGreaterThan(0);
    if (checks) expect(space.hostIO.readBytes).toBeGreaterThanOrEqual(8 * P);
    space.resetHostIO();
    expect(m.read(4 * P, 8 * P)).toEqual(data.subarray(4 * P, 12 * P));
    if (checks) expect(space.hostIO.reads).toBe(0);
  });

  itOwnPaging("works at the address level, with the number 3 (POSIX_MADV_WILLNEED)", (checks) => {
    const space = anymmap.createInstance();
    const data = pattern(4 * P, 12);
    const path = fx.file(data, "willneed-3");
    const m = space.mmapSync(path, { prot: "r", flags: "private" });
    space.resetHostIO();
    space.madvise(m.address, m.length, 3);
    expect(Array.from(space.mincore(m.address, m.length))).toEqual([1, 1, 1, 1]);
    if (checks) expect(space.hostIO.readBytes).toBeGreaterThanOrEqual(4 * P);
    space.resetHostIO();
    expect(m.read()).toEqual(data);
    if (checks) expect(space.hostIO.reads).toBe(0);
  });

  it("leaves pages past the end of the file alone: the file's bytes resident, no error", () => {
    const space = anymmap.createInstance();
    const data = pattern(P + 100, 13);
    const path = fx.file(data, "willneed-eof");
    const m = space.mmapSync(path, { prot: "r", length: 4 * P });
    m.madvise("willneed");
    const core = m.mincore();
    expect(Array.from(core.subarray(0, 2))).toEqual([1, 1]);
    expect(m.read(0, P + 100)).toEqual(data);
    expect(m.read(P + 100, P - 100)).toEqual(zeros(P - 100));
  });
});

describe("read-ahead advice (posix-style numbers)", () => {
  /** A 1 MiB file, and one mapping of it advised `advice`, then one byte read at page 0. */
  function readFirstPage(advice: number) {
    const space = anymmap.createInstance();
    const data = pattern(256 * P, 14);
    const path = fx.file(data, `ra-${advice}`);
    const m = space.mmapSync(path, { prot: "r" });
    m.madvise(advice);
    space.resetHostIO();
    expect(m.read(0, 16)).toEqual(data.subarray(0, 16));
    return { space, m, data, core: m.mincore() };
  }

  itOwnPaging("SEQUENTIAL (2) reads ahead: pages after the one read are resident", (checks) => {
    const { core, space } = readFirstPage(2);
    expect(core[0]).toBe(1);
    expect(core[1]).toBe(1);
    expect(core[8]).toBe(1);
    if (checks) expect(space.hostIO.readBytes).toBeGreaterThan(P);
  });

  itOwnPaging("RANDOM (1) reads only what was touched", (checks) => {
    const { core, space } = readFirstPage(1);
    expect(core[0]).toBe(1);
    if (checks) expect(core[8]).toBe(0);
    if (checks) expect(core[255]).toBe(0);
    if (checks) expect(space.hostIO.readBytes).toBeLessThanOrEqual(P);
  });

  it("NORMAL (0) is accepted and the bytes are right", () => {
    const { core, m, data } = readFirstPage(0);
    expect(core[0]).toBe(1);
    expect(m.read()).toEqual(data);
    expect(Array.from(m.mincore())).toEqual(Array.from(ones(256)));
  });
});

describe("mincore", () => {
  it("reports 0 for untouched pages of a lazy file mapping and 1 after access", () => {
    const space = anymmap.createInstance();
    const size = 64 << 20;
    const path = fx.sparse(size, "lazy-64m");
    const m = space.mmapSync(path, { prot: "r" });
    const pages = size / P;
    const before = m.mincore();
    expect(before.length).toBe(pages);
    expect(before.every((b) => b === 0)).toBe(true);
    expect(m.read(P * 3, 8)).toEqual(zeros(8));
    expect(m.mincore(3 * P, P)[0]).toBe(1);
    const far = pages - 10;
    expect(m.mincore(far * P, P)[0]).toBe(0);
    expect(m.read(far * P, 1)).toEqual(zeros(1));
    expect(m.mincore(far * P, P)[0]).toBe(1);
    // The address-level call agrees.
    expect(space.mincore(m.address + far * P, P)[0]).toBe(1);
    expect(space.mincore(m.address + 3 * P, P)[0]).toBe(1);
  });

  it("reports 0 for untouched anonymous pages and 1 after a write", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 8 * P, prot: "rw" });
    expect(Array.from(m.mincore())).toEqual(Array.from(zeros(8)));
    m.write("x", 5 * P + 3);
    const core = m.mincore();
    expect(core[5]).toBe(1);
    expect(core[0]).toBe(0);
    expect(core[7]).toBe(0);
  });

  it("gives one entry per page, rounding a partial last page up", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 4 * P, prot: "rw" });
    expect(m.mincore(0, P + 1).length).toBe(2);
    expect(space.mincore(m.address, 3 * P - 1).length).toBe(3);
    expect(m.mincore(0, 0).length).toBe(0);
  });

  it("rejects an unaligned address or offset with EINVAL", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 4 * P, prot: "rw" });
    expectMmapError(() => m.mincore(1), "EINVAL", "mincore");
    expectMmapError(() => m.mincore(P + 7, P), "EINVAL", "mincore");
    expectMmapError(() => space.mincore(m.address + 1, P), "EINVAL", "mincore");
    expectMmapError(() => space.mincore(m.address + P / 2, P), "EINVAL", "mincore");
  });

  it("a range with unmapped pages gives ENOMEM at the address level", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 3 * P, prot: "rw" });
    m.munmap(2 * P, P);
    expectMmapError(() => space.mincore(m.address, 3 * P), "ENOMEM", "mincore");
    expectMmapError(() => space.mincore(0x40000000, P), "ENOMEM", "mincore");
    expect(space.mincore(m.address, 2 * P).length).toBe(2);
    expectMmapError(() => m.mincore(), "ENOMEM", "mincore");
    expect(m.mincore(0, 2 * P).length).toBe(2);
  });
});
