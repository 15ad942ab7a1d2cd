/**
 * Windowed mappings: files of any size (past the 4 GiB a WebAssembly memory
 * holds) read and written through windows, resident memory within a budget,
 * find/rfind across window edges, AbortSignal and progress.
 */
import { anymmap, beforeEach, describe, expect, expectBytes, fx, it, mmapErrorOf, pattern } from "../harness/index.js";

// Every test asserts something, on every backend: one that checks nothing fails.
beforeEach(() => expect.hasAssertions());

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const enc = new TextEncoder();

describe("a sparse file larger than 4 GiB", () => {
  const SIZE = 4 * GiB + 40 * MiB;

  it("is mapped whole; bytes written near its end reach the file on msync; a scan of all of it stays within the budget", () => {
    const space = anymmap.createInstance();
    const path = fx.sparse(SIZE, "huge");
    const marker = pattern(5000, 7);
    const markerAt = SIZE - 3 * MiB - 1234; // crosses no edge
    fx.writeAt(path, markerAt, marker);
    const budget = 64 * MiB;
    const m = space.mmapWindowedSync(path, { prot: "rw", flags: "shared", budget, windowSize: 8 * MiB });
    expect(m.length).toBe(SIZE);
    expect(m.budget).toBe(budget);
    expectBytes(m.read(markerAt, marker.length), marker);

    // Near the end, and straddling a window edge past 4 GiB.
    const tail = enc.encode("the last bytes of a big file");
    m.write(tail, SIZE - tail.length);
    const edge = 4 * GiB + 24 * MiB - 5;
    m.write("ACROSS-AN-EDGE", edge);
    expect(new TextDecoder().decode(m.read(edge, 14))).toBe("ACROSS-AN-EDGE");
    m.msync();
    expect(fx.readRange(path, SIZE - tail.length, tail.length)).toEqual(tail);
    expect(new TextDecoder().decode(fx.readRange(path, edge, 14))).toBe("ACROSS-AN-EDGE");
    expect(fx.size(path)).toBe(SIZE);

    // A pinned window past 4 GiB sees the file's bytes and writes through.
    {
      using w = m.window(SIZE - 100, 100, "write");
      expect(w.bytes.subarray(100 - tail.length)).toEqual(tail);
      w.bytes[0] = 0x5a;
      expect(m.pinnedBytes).toBeGreaterThan(0);
    }
    expect(m.pinnedBytes).toBe(0);
    m.munmap();
    expect(m.mapped).toBe(false);
    expect(fx.readRange(path, SIZE - 100, 1)[0]).toBe(0x5a);

    // Scan everything read-only: find sees the marker, and memory never passes the budget.
    const r = space.mmapWindowedSync(path, { budget, windowSize: 8 * MiB });
    let reports = 0;
    let last = 0;
    let peakWindows = 0;
    let peakResident = 0;
    const found = r.find("not anywhere in this file", 0, undefined, {
      onProgress(done, total) {
        expect(done).toBeGreaterThan(last);
        expect(total).toBe(SIZE - 25 + 1);
        last = done;
        reports++;
        peakWindows = Math.max(peakWindows, r.windowBytes);
        peakResident = Math.max(peakResident, space.info().residentBytes);
      },
    });
    expect(found).toBe(-1);
    expect(last).toBe(SIZE - 25 + 1);
    expect(reports).toBeGreaterThan(500);
    expect(peakWindows).toBeLessThanOrEqual(budget);
    expect(peakResident).toBeLessThanOrEqual(budget);
    expect(peakResident).toBeGreaterThan(0);
    expect(r.residentBytes()).toBeLessThanOrEqual(budget);
    expect(r.find(marker.subarray(0, 64))).toBe(markerAt);
    expect(r.rfind(tail)).toBe(SIZE - tail.length);
    expect(r.find("ACROSS-AN-EDGE")).toBe(edge);
    r.munmap();
    expect(space.info().residentBytes).toBe(0);
  });
});

describe("windows", () => {
  const W = 64 * 1024;

  it("reads, writes and readInto across window edges equal the file's bytes", () => {
    const space = anymmap.createInstance();
    const data = pattern(10 * W + 777, 3);
    const path = fx.file(data, "edges");
    const m = space.mmapWindowedSync(path, { prot: "rw", windowSize: W, budget: 4 * W });
    expectBytes(m.read(), data);
    const into = new Uint8Array(3 * W);
    expect(m.readInto(into, W - 10)).toBe(3 * W);
    expectBytes(into, data.subarray(W - 10, 4 * W - 10));
    const short = new Uint8Array(2 * W);
    expect(m.readInto(short, 9 * W)).toBe(W + 777);
    const patch = pattern(2 * W + 3, 9);
    m.write(patch, 3 * W - 1);
    m.msync();
    const expected = data.slice();
    expected.set(patch, 3 * W - 1);
    expectBytes(fx.read(path), expected);
    expect(m.windowBytes).toBeLessThanOrEqual(4 * W);
    m.munmap();
  });

  it("least recently used unpinned windows are unmapped, dirty pages written back first; pinned ones stay", () => {
    const space = anymmap.createInstance();
    const path = fx.sparse(64 * W, "lru");
    const m = space.mmapWindowedSync(path, { prot: "rw", windowSize: W, budget: 4 * W });
    const pinned = m.window(0, 100, "write");
    pinned.bytes.set(enc.encode("pinned"));
    for (let i = 1; i < 64; i++) m.write(`window ${i}`, i * W + 10);
    expect(m.windowBytes).toBeLessThanOrEqual(4 * W);
    // Evicted windows were written back although nobody called msync.
    expect(new TextDecoder().decode(fx.readRange(path, 5 * W + 10, 8))).toBe("window 5");
    // The pinned window was never unmapped: its view still holds what was written.
    expect(new TextDecoder().decode(pinned.bytes.subarray(0, 6))).toBe("pinned");
    expect(m.read(0, 6)).toEqual(enc.encode("pinned"));
    pinned.release();
    expect(pinned.released).toBe(true);
    m.munmap();
    expect(new TextDecoder().decode(fx.readRange(path, 0, 6))).toBe("pinned");
    expect(new TextDecoder().decode(fx.readRange(path, 63 * W + 10, 9))).toBe("window 63");
  });

  it("pinning more than the budget is ENOMEM saying what to do; releasing makes room", () => {
    const space = anymmap.createInstance();
    const path = fx.sparse(64 * W, "budget");
    const m = space.mmapWindowedSync(path, { windowSize: W, budget: 4 * W });
    const a = m.window(0, 2 * W);
    const b = m.window(2 * W, 2 * W);
    const e = mmapErrorOf(() => m.window(8 * W, W));
    expect(e.code).toBe("ENOMEM");
    expect(e.message).toMatch(/budget/);
    expect(e.message).toMatch(/release/);
    expect(mmapErrorOf(() => m.window(0, 5 * W)).code).toBe("ENOMEM");
    // A range that covers part of a pinned window cannot get a window of its own: they would overlap.
    const overlap = mmapErrorOf(() => m.window(W, 2 * W));
    expect(overlap.code).toBe("ENOMEM");
    expect(overlap.message).toMatch(/pinned window/);
    a.release();
    using c = m.window(8 * W, W);
    expect(c.length).toBe(W);
    b[Symbol.dispose]();
    m.munmap();
  });

  it("a window of length 0 and bad arguments", () => {
    const space = anymmap.createInstance();
    const path = fx.file(pattern(3 * W, 1), "args");
    const m = space.mmapWindowedSync(path, { windowSize: W });
    expect(m.window(5, 0).bytes.length).toBe(0);
    expect(mmapErrorOf(() => m.window(3 * W - 1, 2)).code).toBe("EINVAL");
    expect(mmapErrorOf(() => m.read(-1, 1)).code).toBe("EINVAL");
    expect(mmapErrorOf(() => m.write("x", 0)).code).toBe("EACCES");
    expect(mmapErrorOf(() => m.msync("sync|async")).code).toBe("EINVAL");
    expect(mmapErrorOf(() => m.msync("bogus")).code).toBe("EINVAL");
    m.munmap();
    expect(mmapErrorOf(() => m.read(0, 1)).code).toBe("EFAULT");
    expect(mmapErrorOf(() => space.mmapWindowedSync(path, { prot: "rw", flags: "private" })).message).toMatch(
      /private and writable/,
    );
    expect(mmapErrorOf(() => space.mmapWindowedSync(null, {})).code).toBe("EINVAL");
    expect(mmapErrorOf(() => space.mmapWindowedSync(path, { windowSize: 1000 })).code).toBe("EINVAL");
    expect(mmapErrorOf(() => space.mmapWindowedSync(path, { windowSize: W, budget: W })).code).toBe("EINVAL");
    expect(mmapErrorOf(() => space.mmapWindowedSync(path, { offset: 4 * W })).code).toBe("EINVAL");
    expect(mmapErrorOf(() => space.mmapWindowedSync(fx.path("missing"))).code).toBe("ENOENT");
  });

  it("info() reports the default budget", () => {
    expect(anymmap.createInstance().info().windowBudget).toBe(256 * MiB);
  });
});

describe("find and rfind", () => {
  const W = 64 * 1024;

  it("are Python's mmap.find/rfind, including patterns that straddle window edges", () => {
    const space = anymmap.createInstance();
    const path = fx.sparse(8 * W, "find");
    fx.writeAt(path, W - 3, "needle");
    fx.writeAt(path, 5 * W - 1, "needle");
    fx.writeAt(path, 7 * W, "needle");
    const m = space.mmapWindowedSync(path, { windowSize: W, budget: 2 * W });
    expect(m.find("needle")).toBe(W - 3);
    expect(m.find("needle", W - 2)).toBe(5 * W - 1);
    expect(m.find("needle", W - 3, W + 3)).toBe(W - 3);
    expect(m.find("needle", W - 3, W + 2)).toBe(-1);
    expect(m.find("needle", -W)).toBe(7 * W);
    expect(m.rfind("needle")).toBe(7 * W);
    expect(m.rfind("needle", 0, 7 * W + 5)).toBe(5 * W - 1);
    expect(m.rfind("needle", 0, -3 * W)).toBe(W - 3);
    expect(m.rfind("needle", W)).toBe(7 * W);
    expect(m.find(new Uint8Array([0x6e, 0x65]), 5 * W)).toBe(7 * W);
    expect(m.find("")).toBe(0);
    expect(m.rfind("")).toBe(8 * W);
    expect(m.find("needle", 10 * W)).toBe(-1);
    expect(m.find("absent")).toBe(-1);
    expect(m.rfind("absent")).toBe(-1);
    // A pattern longer than a window.
    const long = pattern(3 * W, 5);
    const p2 = fx.file(new Uint8Array(8 * W), "long");
    fx.writeAt(p2, 2 * W + 17, long);
    const m2 = space.mmapWindowedSync(p2, { windowSize: W, budget: 2 * W });
    expect(m2.find(long)).toBe(2 * W + 17);
    expect(m2.rfind(long)).toBe(2 * W + 17);
    m.munmap();
    m2.munmap();
  });

  it("stop with ECANCELED when their AbortSignal fires, and report progress", () => {
    const space = anymmap.createInstance();
    const m = space.mmapWindowedSync(fx.sparse(16 * W, "abort"), { windowSize: W, budget: 2 * W });
    const controller = new AbortController();
    const seen: number[] = [];
    const e = mmapErrorOf(() =>
      m.find("x", 0, undefined, {
        signal: controller.signal,
        onProgress(done) {
          seen.push(done);
          if (seen.length === 3) controller.abort(new Error("enough"));
        },
      }),
    );
    expect(e.code).toBe("ECANCELED");
    expect((e.cause as Error).message).toBe("enough");
    expect(seen).toEqual([W, 2 * W, 3 * W]);
    const done: number[] = [];
    m.populate(0, 2 * W, { onProgress: (d) => done.push(d) });
    expect(done).toEqual([W, 2 * W]);
    expect(m.residentBytes()).toBe(2 * W);
    expect(mmapErrorOf(() => m.populate(0, 3 * W)).code).toBe("ENOMEM");
    expect(mmapErrorOf(() => m.msync("sync", { signal: AbortSignal.abort() })).code).toBe("ECANCELED");
    m.munmap();
  });
});
