/**
 * Lazy page-in and dirty-page write-back, observed at the host I/O boundary
 * (the WASI host's counters), not through the engine's own bookkeeping:
 * mapping reads nothing, a page is read when first needed (with read-ahead
 * for sequential access), and msync/munmap write exactly the pages whose
 * bytes changed.
 */
import {
  anymmap,
  beforeEach,
  describe,
  expect,
  expectBytes,
  fx,
  it,
  itPartly,
  PAGE,
  pattern,
} from "../harness/index.js";

// Every test asserts something, on every backend: one that checks nothing fails.
beforeEach(() => expect.hasAssertions());

const KiB = 1024;
const GiB = 2 ** 30;
const enc = new TextEncoder();
const text = (s: string) => enc.encode(s);

const space = anymmap.createInstance();
/**
 * The WASM engine pages through the host, so its counters see every page
 * read and written. The native backend's pages move between the kernel's
 * page cache and the file with no call anymmap could count: there these
 * tests check the bytes only.
 */
const countsIO = space.backend === "wasm";
const NO_COUNTERS =
  "host I/O counters: wasm only, the native backend's paging is the kernel's and invisible to anymmap";

/** A test of bytes and of host I/O counters: the counter checks are reported skipped where the backend cannot count. */
const itIO = itPartly(countsIO, NO_COUNTERS);

/** A test of host I/O counters only: skipped, with the reason, where the backend cannot count host I/O. */
function itCountingIO(name: string, body: () => void): void {
  it.skipIf(!countsIO)(countsIO ? name : `${name} (${NO_COUNTERS})`, body);
}

describe("lazy: a page is read from the file when first needed", () => {
  itCountingIO("mapping a file reads nothing (by path and by handle)", () => {
    const path = fx.file(pattern(256 * PAGE, 1));
    space.resetHostIO();
    const a = space.mmapSync(path, { prot: "r", flags: "shared" });
    const h = space.openSync(path, "r+");
    const b = space.mmapSync(h, { prot: "rw", flags: "shared" });
    const c = space.mmapSync(h, { prot: "rw", flags: "private" });
    expect(space.hostIO.reads).toBe(0);
    expect(space.hostIO.readBytes).toBe(0);
    expect(space.hostIO.writes).toBe(0);
    a.munmap();
    b.munmap();
    c.munmap();
    h.close();
    // Unmapping pages that were never read does not read or write them either.
    expect(space.hostIO.reads).toBe(0);
    expect(space.hostIO.writes).toBe(0);
  });

  itIO("viewing one page reads about that page, not the file", (io) => {
    const data = pattern(1024 * PAGE, 2); // 4 MiB
    const path = fx.file(data);
    const m = space.mmapSync(path, { prot: "r", flags: "shared" });
    space.resetHostIO();
    const v = m.view(500 * PAGE, PAGE);
    expectBytes(v, data.subarray(500 * PAGE, 501 * PAGE));
    if (io) expect(space.hostIO.reads).toBeGreaterThan(0);
    if (io) expect(space.hostIO.readBytes).toBeGreaterThanOrEqual(PAGE);
    if (io) expect(space.hostIO.readBytes).toBeLessThan(512 * KiB);
    m.munmap();
  });

  itIO("read() of a few bytes reads about their page; reading them again reads nothing", (io) => {
    const data = pattern(1024 * PAGE, 3);
    const path = fx.file(data);
    const m = space.mmapSync(path, { prot: "r", flags: "private" });
    space.resetHostIO();
    expectBytes(m.read(700 * PAGE + 10, 20), data.subarray(700 * PAGE + 10, 700 * PAGE + 30));
    const after = space.hostIO.readBytes;
    if (io) expect(after).toBeGreaterThan(0);
    if (io) expect(after).toBeLessThan(512 * KiB);
    expectBytes(m.read(700 * PAGE + 10, 20), data.subarray(700 * PAGE + 10, 700 * PAGE + 30));
    if (io) expect(space.hostIO.readBytes).toBe(after);
    m.munmap();
  });

  itIO("sequential page-by-page access issues far fewer reads than pages (read-ahead), each byte read once", (io) => {
    const pages = 1024;
    const data = pattern(pages * PAGE, 4);
    const path = fx.file(data);
    const m = space.mmapSync(path, { prot: "r", flags: "shared" });
    space.resetHostIO();
    for (let i = 0; i < pages; i++) {
      expectBytes(m.view(i * PAGE, PAGE), data.subarray(i * PAGE, (i + 1) * PAGE));
    }
    if (io) expect(space.hostIO.reads).toBeGreaterThan(0);
    if (io) expect(space.hostIO.reads).toBeLessThan(pages / 8);
    if (io) expect(space.hostIO.readBytes).toBe(pages * PAGE);
    expectBytes(m.read(), data);
    m.munmap();
  });
});

/** Bytes where `a` and `b` differ: what a write-back of clean-copied pages writes (docs/security.md). */
function changedBytes(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

/** Runs of consecutive changed bytes: at most one write each. */
function changedRuns(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && (i === 0 || a[i - 1] === b[i - 1])) n++;
  return n;
}

describe("dirty pages only: msync and munmap write back exactly the bytes that changed", () => {
  itIO("msync and munmap of a mapping that was only read write nothing", (io) => {
    const data = pattern(64 * PAGE, 5);
    const path = fx.file(data);
    const h = space.openSync(path, "r+");
    const rw = space.mmapSync(h, { prot: "rw", flags: "shared" });
    const ro = space.mmapSync(h, { prot: "r", flags: "shared" });
    expectBytes(rw.read(), data);
    expectBytes(ro.bytes, data);
    space.resetHostIO();
    rw.msync();
    ro.msync();
    rw.msync("async");
    rw.munmap();
    ro.munmap();
    if (io) expect(space.hostIO.writes).toBe(0);
    if (io) expect(space.hostIO.writtenBytes).toBe(0);
    h.close();
    expectBytes(fx.read(path), data);
  });

  const PAGES = 256;
  const DIRTY = [7, 100, 255];

  /** A 256-page shared mapping whose pages are all resident, ready to be dirtied. */
  function setup(seed: number) {
    const data = pattern(PAGES * PAGE, seed);
    const path = fx.file(data);
    const m = space.mmapSync(path, { prot: "rw", flags: "shared" });
    expectBytes(m.read(), data);
    const expected = data.slice();
    return { data, path, m, expected };
  }

  function checkMsync(m: anymmap.Mapping, path: string, expected: Uint8Array, data: Uint8Array, io: boolean): void {
    space.resetHostIO();
    m.msync();
    if (io) expect(space.hostIO.writtenBytes).toBe(changedBytes(data, expected));
    if (io) expect(space.hostIO.writes).toBeGreaterThan(0);
    if (io) expect(space.hostIO.writes).toBeLessThanOrEqual(changedRuns(data, expected));
    expectBytes(fx.read(path), expected);
    // Nothing changed since: a second msync writes nothing.
    space.resetHostIO();
    m.msync();
    if (io) expect(space.hostIO.writes).toBe(0);
    if (io) expect(space.hostIO.writtenBytes).toBe(0);
    // Nor does munmap.
    m.munmap();
    if (io) expect(space.hostIO.writes).toBe(0);
    expectBytes(fx.read(path), expected);
  }

  itIO("3 scattered pages changed through the raw view of `bytes` → only their changed bytes written", (io) => {
    const { data, path, m, expected } = setup(6);
    const raw = m.bytes;
    for (const p of DIRTY) {
      const at = p * PAGE + (p % PAGE);
      raw[at] = raw[at]! ^ 0xff;
      expected[at] = expected[at]! ^ 0xff;
    }
    checkMsync(m, path, expected, data, io);
  });

  itIO(
    "3 scattered pages changed through a read view() of the whole mapping → only their changed bytes written",
    (io) => {
      const { data, path, m, expected } = setup(7);
      const raw = m.view();
      for (const p of DIRTY) {
        raw.fill(0x5c, p * PAGE + 100, p * PAGE + 200);
        expected.fill(0x5c, p * PAGE + 100, p * PAGE + 200);
      }
      checkMsync(m, path, expected, data, io);
    },
  );

  itIO("3 scattered pages changed through per-page write views → only their changed bytes written", (io) => {
    const { data, path, m, expected } = setup(8);
    for (const p of DIRTY) {
      const v = m.view(p * PAGE, PAGE, "write");
      v[PAGE - 1] = v[PAGE - 1]! ^ 0x0f;
      expected[p * PAGE + PAGE - 1] = expected[p * PAGE + PAGE - 1]! ^ 0x0f;
    }
    checkMsync(m, path, expected, data, io);
  });

  itIO(
    "3 scattered pages changed through a 'write' view of the whole mapping → only their changed bytes written",
    (io) => {
      const { data, path, m, expected } = setup(9);
      const raw = m.view(0, PAGES * PAGE, "write");
      for (const p of DIRTY) {
        raw[p * PAGE + 1] = raw[p * PAGE + 1]! ^ 0x80;
        expected[p * PAGE + 1] = expected[p * PAGE + 1]! ^ 0x80;
      }
      checkMsync(m, path, expected, data, io);
    },
  );

  itIO("3 scattered pages changed through write() → only their changed bytes written", (io) => {
    const { data, path, m, expected } = setup(10);
    for (const p of DIRTY) {
      m.write(`page ${p}`, p * PAGE + 40);
      expected.set(text(`page ${p}`), p * PAGE + 40);
    }
    checkMsync(m, path, expected, data, io);
  });

  itIO("write() into pages never read before → only those pages are read and written", (io) => {
    const data = pattern(PAGES * PAGE, 11);
    const path = fx.file(data);
    const m = space.mmapSync(path, { prot: "rw", flags: "shared" });
    space.resetHostIO();
    const expected = data.slice();
    for (const p of DIRTY) {
      m.write("x", p * PAGE);
      expected.set(text("x"), p * PAGE);
    }
    if (io) expect(space.hostIO.readBytes).toBeLessThan(PAGES * PAGE);
    space.resetHostIO();
    m.msync();
    if (io) expect(space.hostIO.writtenBytes).toBe(changedBytes(data, expected));
    expectBytes(fx.read(path), expected);
    m.munmap();
  });

  itIO("a page changed and changed back through a raw view is clean: nothing written", (io) => {
    const { data, m, path } = setup(12);
    const raw = m.bytes;
    const at = 50 * PAGE + 3;
    raw[at] = raw[at]! ^ 0xff;
    raw[at] = raw[at]! ^ 0xff;
    space.resetHostIO();
    m.msync();
    m.munmap();
    if (io) expect(space.hostIO.writes).toBe(0);
    expectBytes(fx.read(path), data);
  });

  itIO("MAP_SHARED writes reach the file on munmap even without msync, and only the dirty page is written", (io) => {
    const { data, path, m, expected } = setup(13);
    m.write("no msync", 128 * PAGE + 9);
    expected.set(text("no msync"), 128 * PAGE + 9);
    space.resetHostIO();
    m.munmap();
    if (io) expect(space.hostIO.writtenBytes).toBe(changedBytes(data, expected));
    expectBytes(fx.read(path), expected);
  });

  itIO("a raw-view store reaches the file on munmap without msync", (io) => {
    const { data, path, m, expected } = setup(14);
    m.bytes[3 * PAGE] = 0xaa;
    expected[3 * PAGE] = 0xaa;
    space.resetHostIO();
    m.munmap();
    if (io) expect(space.hostIO.writtenBytes).toBe(changedBytes(data, expected));
    expectBytes(fx.read(path), expected);
  });
});

describe("a 6 GiB sparse file", () => {
  itIO("mapping it and reading its last page reads about one page of data, and the right bytes", (io) => {
    const size = 6 * GiB;
    const path = fx.sparse(size);
    const marker = pattern(64, 15);
    fx.writeAt(path, size - marker.length, marker);
    expect(fx.size(path)).toBe(size);
    const h = space.openSync(path, "r");
    space.resetHostIO();
    // The largest window that fits comfortably: the file's last 3 GiB.
    const m = space.mmapSync(h, { prot: "r", flags: "shared", offset: 3 * GiB, length: 3 * GiB });
    if (io) expect(space.hostIO.reads).toBe(0);
    const last = m.read(3 * GiB - PAGE, PAGE);
    const expected = new Uint8Array(PAGE);
    expected.set(marker, PAGE - marker.length);
    expectBytes(last, expected);
    if (io) expect(space.hostIO.readBytes).toBeGreaterThanOrEqual(PAGE);
    if (io) expect(space.hostIO.readBytes).toBeLessThanOrEqual(64 * KiB);
    m.munmap();
    h.close();
    if (io) expect(space.hostIO.writes).toBe(0);
  });

  itIO("a one-page window at the very end (offset 6 GiB - 4096) reads that page only", (io) => {
    const size = 6 * GiB;
    const path = fx.sparse(size);
    fx.writeAt(path, size - 5, "end!!");
    space.resetHostIO();
    const m = space.mmapSync(path, { prot: "r", flags: "private", offset: size - PAGE });
    expect(m.length).toBe(PAGE);
    expectBytes(m.read(PAGE - 5, 5), text("end!!"));
    expectBytes(m.read(0, PAGE - 5), new Uint8Array(PAGE - 5));
    if (io) expect(space.hostIO.readBytes).toBeLessThanOrEqual(64 * KiB);
    m.munmap();
  });
});
