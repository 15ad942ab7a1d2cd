/**
 * munmap(2) and msync(2): whole and partial unmaps through the mapping
 * object, address-level unmaps over several mappings, write-back on unmap,
 * msync's flags, errors and MS_INVALIDATE.
 */
import { anymmap, beforeEach, describe, expect, expectMmapError, fx, it, pattern } from "../harness/index.js";

// Every test asserts something, on every backend: one that checks nothing fails.
beforeEach(() => expect.hasAssertions());

const P = anymmap.pageSize;
/**
 * Native: a store through a shared mapping is in the kernel's page cache at
 * once, so read(2) of the file sees it before any msync (msync only makes it
 * durable). The WASM engine's pages reach the file at msync or munmap.
 */
const storesVisibleAtOnce = anymmap.backend === "native";

/** `base` with `bytes` written at `at`. */
function patched(base: Uint8Array, at: number, bytes: Uint8Array): Uint8Array {
  const out = base.slice();
  out.set(bytes, at);
  return out;
}

type Kind = "anonymous private" | "anonymous shared" | "file shared" | "file private";
const KINDS: Kind[] = ["anonymous private", "anonymous shared", "file shared", "file private"];

/** An 8-page read-write mapping of `kind` whose bytes are `pattern(8 * P, seed)`. */
function mapKind(space: ReturnType<typeof anymmap.createInstance>, kind: Kind, seed: number) {
  const data = pattern(8 * P, seed);
  if (kind.startsWith("anonymous")) {
    const m = space.mmapSync(null, {
      length: 8 * P,
      prot: "rw",
      flags: kind === "anonymous shared" ? "shared" : "private",
    });
    m.write(data, 0);
    return { m, data, path: undefined as string | undefined };
  }
  const path = fx.file(data, "eight-pages");
  const m = space.mmapSync(path, { prot: "rw", flags: kind === "file shared" ? "shared" : "private" });
  return { m, data, path };
}

describe("munmap through the mapping object", () => {
  for (const kind of KINDS) {
    describe(kind, () => {
      it("unmaps the whole mapping: every accessor throws EFAULT afterwards", () => {
        const space = anymmap.createInstance();
        const { m, data } = mapKind(space, kind, 11);
        expect(m.read()).toEqual(data);
        const before = space.info().mappings;
        m.munmap();
        expect(m.mapped).toBe(false);
        expect(space.info().mappings).toBeLessThan(before);
        expectMmapError(() => m.read(), "EFAULT", "access");
        expectMmapError(() => m.read(0, 1), "EFAULT", "access");
        expectMmapError(() => m.bytes, "EFAULT", "access");
        expectMmapError(() => m.view(0, P), "EFAULT", "access");
        expectMmapError(() => m.write("x", 0), "EFAULT", "access");
        expectMmapError(() => m.readInto(new Uint8Array(4), 0), "EFAULT", "access");
        expectMmapError(() => m.msync("sync"), "EFAULT", "msync");
        expectMmapError(() => m.mincore(), "EFAULT", "mincore");
        // The address range is gone at the address level too.
        expectMmapError(() => space.mincore(m.address, m.length), "ENOMEM", "mincore");
        // A second munmap() of the whole object is harmless (Symbol.dispose relies on it).
        m.munmap();
        m[Symbol.dispose]();
        expect(m.mapped).toBe(false);
      });

      it("unmaps the head: the rest keeps its bytes and stays writable", () => {
        const space = anymmap.createInstance();
        const { m, data } = mapKind(space, kind, 12);
        m.munmap(0, 2 * P);
        expect(m.mapped).toBe(true);
        expect(m.read(2 * P, 6 * P)).toEqual(data.subarray(2 * P));
        expectMmapError(() => m.read(0, 1), "EFAULT", "access");
        expectMmapError(() => m.read(2 * P - 1, 2), "EFAULT", "access");
        expectMmapError(() => m.view(P, P), "EFAULT", "access");
        expectMmapError(() => m.write(new Uint8Array([1]), P + 5), "EFAULT", "access");
        expectMmapError(() => m.read(), "EFAULT", "access");
        const w = pattern(100, 99);
        expect(m.write(w, 3 * P + 7)).toBe(100);
        expect(m.read(2 * P, 6 * P)).toEqual(patched(data, 3 * P + 7, w).subarray(2 * P));
        expectMmapError(() => space.mincore(m.address, P), "ENOMEM", "mincore");
        expect(Array.from(space.mincore(m.address + 2 * P, P))).toHaveLength(1);
      });

      it("unmaps the middle: head and tail keep their bytes and stay writable", () => {
        const space = anymmap.createInstance();
        const { m, data } = mapKind(space, kind, 13);
        m.munmap(3 * P, 2 * P);
        expect(m.mapped).toBe(true);
        expect(m.read(0, 3 * P)).toEqual(data.subarray(0, 3 * P));
        expect(m.read(5 * P, 3 * P)).toEqual(data.subarray(5 * P));
        expectMmapError(() => m.read(3 * P, 1), "EFAULT", "access");
        expectMmapError(() => m.read(5 * P - 1, 1), "EFAULT", "access");
        expectMmapError(() => m.read(3 * P - 1, 2), "EFAULT", "access");
        expectMmapError(() => m.view(4 * P, 2 * P), "EFAULT", "access");
        expectMmapError(() => m.bytes, "EFAULT", "access");
        expectMmapError(() => m.write(new Uint8Array(2 * P), 2 * P), "EFAULT", "access");
        const head = pattern(50, 21);
        const tail = pattern(60, 22);
        m.write(head, 10);
        m.write(tail, 8 * P - 60);
        let expected = patched(data, 10, head);
        expected = patched(expected, 8 * P - 60, tail);
        expect(m.read(0, 3 * P)).toEqual(expected.subarray(0, 3 * P));
        expect(m.read(5 * P, 3 * P)).toEqual(expected.subarray(5 * P));
        expectMmapError(() => space.mincore(m.address + 3 * P, 2 * P), "ENOMEM", "mincore");
      });

      it("unmaps the tail: the head keeps its bytes and stays writable", () => {
        const space = anymmap.createInstance();
        const { m, data } = mapKind(space, kind, 14);
        m.munmap(6 * P, 2 * P);
        expect(m.mapped).toBe(true);
        expect(m.read(0, 6 * P)).toEqual(data.subarray(0, 6 * P));
        expectMmapError(() => m.read(6 * P, 1), "EFAULT", "access");
        expectMmapError(() => m.read(6 * P - 1, 2), "EFAULT", "access");
        expectMmapError(() => m.view(7 * P, P), "EFAULT", "access");
        const w = pattern(P, 23);
        m.write(w, 5 * P);
        expect(m.read(0, 6 * P)).toEqual(patched(data, 5 * P, w).subarray(0, 6 * P));
        // Unmapping the rest makes the object unmapped.
        m.munmap(0, 6 * P);
        expect(m.mapped).toBe(false);
        expectMmapError(() => m.read(0, 1), "EFAULT", "access");
      });
    });
  }

  it("partial unmaps of a MAP_SHARED file mapping write the unmapped dirty pages back", () => {
    const space = anymmap.createInstance();
    const data = pattern(8 * P, 15);
    const path = fx.file(data, "partial-writeback");
    const m = space.mmapSync(path, { prot: "rw", flags: "shared" });
    const a = pattern(300, 31);
    const b = pattern(300, 32);
    const c = pattern(300, 33);
    m.write(a, 100); // head, unmapped below
    m.write(b, 4 * P + 100); // middle, unmapped below
    m.write(c, 7 * P + 100); // tail, unmapped below
    m.munmap(0, P);
    m.munmap(4 * P, P);
    m.munmap(7 * P, P);
    let expected = patched(data, 100, a);
    expected = patched(expected, 4 * P + 100, b);
    expected = patched(expected, 7 * P + 100, c);
    expect(fx.read(path)).toEqual(expected);
  });

  it("unmapping the middle of a MAP_PRIVATE file mapping never writes the file", () => {
    const space = anymmap.createInstance();
    const data = pattern(4 * P, 16);
    const path = fx.file(data, "private-unmap");
    const m = space.mmapSync(path, { prot: "rw", flags: "private" });
    m.write(new Uint8Array(4 * P).fill(0x5a), 0);
    space.resetHostIO();
    m.munmap(P, 2 * P);
    m.munmap(0, P);
    m.munmap(3 * P, P);
    expect(m.mapped).toBe(false);
    expect(space.hostIO.writes).toBe(0);
    expect(fx.read(path)).toEqual(data);
  });

  it("munmap() with no arguments after a partial unmap unmaps the rest (Linux: holes in the range are fine)", () => {
    const space = anymmap.createInstance();
    const data = pattern(4 * P, 17);
    const path = fx.file(data, "rest");
    const m = space.mmapSync(path, { prot: "rw", flags: "shared" });
    m.munmap(P, P);
    m.write("rest", 3 * P);
    m.munmap();
    expect(m.mapped).toBe(false);
    expectMmapError(() => m.read(0, 1), "EFAULT", "access");
    expectMmapError(() => space.mincore(m.address, P), "ENOMEM", "mincore");
    expect(fx.read(path)).toEqual(patched(data, 3 * P, new TextEncoder().encode("rest")));
  });

  it("Symbol.dispose after a partial unmap unmaps the rest without throwing", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 4 * P, prot: "rw" });
    m.munmap(0, P);
    expect(() => m[Symbol.dispose]()).not.toThrow();
    expect(m.mapped).toBe(false);
    expectMmapError(() => space.mincore(m.address + P, 3 * P), "ENOMEM", "mincore");
  });
});

describe("munmap at the address level", () => {
  /** Three adjacent 4-page mappings c | b | a (ascending addresses), each full of its own pattern. */
  function adjacent() {
    const space = anymmap.createInstance();
    // Native: the kernel packs each new mapping right below the last one, so
    // the three go at the top of a stretch it has just handed out and taken back.
    let top = {};
    if (space.backend === "native") {
      const probe = space.mmapSync(null, { length: 16 * P });
      top = { address: probe.address + 12 * P };
      probe.munmap();
    }
    const a = space.mmapSync(null, { length: 4 * P, prot: "rw", ...top });
    const bPath = fx.file(pattern(4 * P, 42), "b-private");
    // Anonymous and MAP_PRIVATE mappings take an address hint when the pages are free.
    const b = space.mmapSync(bPath, { prot: "rw", flags: "private", address: a.address - 4 * P });
    const cPath = fx.file(pattern(4 * P, 43), "c-shared");
    // MAP_SHARED file mappings are placed by file offset, so MAP_FIXED puts this one there.
    const c = space.mmapSync(cPath, { prot: "rw", flags: "shared|fixed", address: b.address - 4 * P });
    expect(b.address + b.length).toBe(a.address);
    expect(c.address + c.length).toBe(b.address);
    const aData = pattern(4 * P, 41);
    a.write(aData, 0);
    return { space, a, b, c, aData, bData: pattern(4 * P, 42), cData: pattern(4 * P, 43), cPath };
  }

  it("unmaps parts of several adjacent mappings at once", () => {
    const { space, a, b, c, aData, cData, cPath } = adjacent();
    const cw = pattern(P, 44);
    c.write(cw, 3 * P); // dirty page of the shared mapping inside the unmapped range
    // From c's third page through b to a's second page.
    space.munmap(c.address + 2 * P, 2 * P + 4 * P + 2 * P);
    expect(b.mapped).toBe(false);
    expectMmapError(() => b.read(0, 1), "EFAULT", "access");
    expect(c.mapped).toBe(true);
    expect(a.mapped).toBe(true);
    expect(c.read(0, 2 * P)).toEqual(cData.subarray(0, 2 * P));
    expectMmapError(() => c.read(2 * P, 1), "EFAULT", "access");
    expect(a.read(2 * P, 2 * P)).toEqual(aData.subarray(2 * P));
    expectMmapError(() => a.read(0, 1), "EFAULT", "access");
    expectMmapError(() => a.read(2 * P - 1, 1), "EFAULT", "access");
    // The survivors stay writable.
    a.write("after", 3 * P);
    c.write("after", 10);
    expect(new TextDecoder().decode(a.read(3 * P, 5))).toBe("after");
    expect(new TextDecoder().decode(c.read(10, 5))).toBe("after");
    expectMmapError(() => space.mincore(c.address + 2 * P, 8 * P), "ENOMEM", "mincore");
    // The shared mapping's dirty page reached its file on munmap, without msync.
    expect(fx.readRange(cPath, 3 * P, P)).toEqual(cw);
  });

  it("unmaps several whole mappings at once", () => {
    const { space, a, b, c, cPath, cData } = adjacent();
    c.write(new Uint8Array(P).fill(7), P);
    const before = space.info().mappings;
    space.munmap(c.address, 12 * P);
    for (const m of [a, b, c]) {
      expect(m.mapped).toBe(false);
      expectMmapError(() => m.read(0, 1), "EFAULT", "access");
    }
    expect(space.info().mappings).toBeLessThan(before);
    expect(fx.read(cPath)).toEqual(patched(cData, P, new Uint8Array(P).fill(7)));
  });

  it("a length that is not a multiple of the page size unmaps whole pages", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 4 * P, prot: "rw" });
    const data = pattern(4 * P, 45);
    m.write(data, 0);
    space.munmap(m.address, P + 1); // pages 0 and 1
    expectMmapError(() => m.read(P, 1), "EFAULT", "access");
    expect(m.read(2 * P, 2 * P)).toEqual(data.subarray(2 * P));
    // Through the object as well.
    m.munmap(2 * P, 1); // page 2
    expectMmapError(() => m.read(3 * P - 1, 1), "EFAULT", "access");
    expect(m.read(3 * P, P)).toEqual(data.subarray(3 * P));
    expectMmapError(() => space.mincore(m.address + 2 * P, P), "ENOMEM", "mincore");
  });

  it("rejects an unaligned address with EINVAL and unmaps nothing", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 2 * P, prot: "rw" });
    m.write("still here", 0);
    expectMmapError(() => space.munmap(m.address + 1, P), "EINVAL", "munmap");
    expectMmapError(() => space.munmap(m.address + P / 2, P), "EINVAL", "munmap");
    expectMmapError(() => m.munmap(1, P), "EINVAL", "munmap");
    expectMmapError(() => m.munmap(P - 1), "EINVAL", "munmap");
    expect(m.mapped).toBe(true);
    expect(new TextDecoder().decode(m.read(0, 10))).toBe("still here");
  });

  it("rejects length 0 with EINVAL and unmaps nothing", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 2 * P, prot: "rw" });
    m.write("still here", P);
    expectMmapError(() => space.munmap(m.address, 0), "EINVAL", "munmap");
    expectMmapError(() => m.munmap(0, 0), "EINVAL", "munmap");
    expectMmapError(() => m.munmap(P, 0), "EINVAL", "munmap");
    expect(new TextDecoder().decode(m.read(P, 10))).toBe("still here");
  });

  it("unmapping a range that is not mapped is not an error", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 4 * P, prot: "rw" });
    const data = pattern(4 * P, 46);
    m.write(data, 0);
    // Never mapped: 1 GiB into the address space, far below the mappings.
    space.munmap(0x40000000, 16 * P);
    // Just below the mapping.
    space.munmap(m.address - 8 * P, 8 * P);
    expect(m.read()).toEqual(data);
    // Twice over the same range.
    space.munmap(m.address, 4 * P);
    space.munmap(m.address, 4 * P);
    expect(m.mapped).toBe(false);
    // A range that is partly mapped: the mapped part goes, no error.
    const n = space.mmapSync(null, { length: 2 * P, prot: "rw" });
    space.munmap(n.address - 4 * P, 6 * P);
    expect(n.mapped).toBe(false);
  });

  it("MAP_SHARED writes reach the file on munmap without msync", () => {
    const space = anymmap.createInstance();
    const data = pattern(3 * P, 47);
    const path = fx.file(data, "unmap-writeback");
    const m = space.mmapSync(path, { prot: "rw", flags: "shared" });
    const w = pattern(64, 48);
    m.write(w, P + 10);
    // Through a raw view too: the engine must notice bytes changed behind its back.
    const raw = m.bytes;
    raw[2 * P + 5] = raw[2 * P + 5]! ^ 0xff;
    const expected = patched(data, P + 10, w);
    expected[2 * P + 5] = expected[2 * P + 5]! ^ 0xff;
    m.munmap();
    expect(fx.read(path)).toEqual(expected);
  });

  it("MAP_SHARED writes reach the file on an address-level munmap without msync", () => {
    const space = anymmap.createInstance();
    const data = pattern(2 * P, 49);
    const path = fx.file(data, "unmap-writeback-addr");
    const m = space.mmapSync(path, { prot: "rw", flags: "shared" });
    m.write("written", 3);
    space.munmap(m.address, m.length);
    expect(m.mapped).toBe(false);
    expect(fx.read(path)).toEqual(patched(data, 3, new TextEncoder().encode("written")));
  });
});

describe("msync", () => {
  function sharedFile(seed: number, pages = 4) {
    const space = anymmap.createInstance();
    const data = pattern(pages * P, seed);
    const path = fx.file(data, "msync");
    const m = space.mmapSync(path, { prot: "rw", flags: "shared" });
    return { space, data, path, m };
  }

  const accepted: Array<number | string> = [
    "sync",
    "async",
    "invalidate",
    "sync|invalidate",
    "async|invalidate",
    "MS_SYNC",
    0,
    anymmap.MS_SYNC,
    anymmap.MS_ASYNC,
    anymmap.MS_INVALIDATE,
    anymmap.MS_SYNC | anymmap.MS_INVALIDATE,
  ];
  for (const flags of accepted) {
    it(`accepts flags ${JSON.stringify(flags)} and the file gets the mapping's writes`, () => {
      const { space, data, path, m } = sharedFile(50);
      const w = pattern(200, 51);
      m.write(w, 2 * P + 300);
      m.msync(flags);
      expect(fx.read(path)).toEqual(patched(data, 2 * P + 300, w));
      // The same flags at the address level.
      const w2 = pattern(100, 52);
      m.write(w2, 10);
      space.msync(m.address, m.length, flags);
      expect(fx.readRange(path, 10, 100)).toEqual(w2);
      expect(m.read(10, 100)).toEqual(w2);
    });
  }

  it("MS_SYNC syncs the file; a range msync writes only that range's pages", () => {
    const { space, data, path, m } = sharedFile(53);
    m.write(new Uint8Array(10).fill(1), 0);
    m.write(new Uint8Array(10).fill(2), 3 * P);
    space.resetHostIO();
    m.msync("sync", 3 * P, P);
    expect(space.hostIO.syncs).toBeGreaterThan(0);
    expect(space.hostIO.writtenBytes).toBeLessThanOrEqual(P);
    expect(fx.readRange(path, 3 * P, 10)).toEqual(new Uint8Array(10).fill(2));
    if (!storesVisibleAtOnce) expect(fx.readRange(path, 0, 10)).toEqual(data.subarray(0, 10));
    else expect(fx.readRange(path, 0, 10)).toEqual(new Uint8Array(10).fill(1));
    m.msync("sync");
    expect(fx.readRange(path, 0, 10)).toEqual(new Uint8Array(10).fill(1));
  });

  it("a clean mapping writes nothing on msync", () => {
    const { space, data, path, m } = sharedFile(54);
    expect(m.read()).toEqual(data);
    space.resetHostIO();
    m.msync("sync");
    m.msync("async");
    expect(space.hostIO.writes).toBe(0);
    expect(fx.read(path)).toEqual(data);
  });

  it("an address-level msync of a length that is not a page multiple covers the last partial page", () => {
    const { space, path, m } = sharedFile(55);
    m.write("tail", P + 100);
    space.msync(m.address, P + 1, "sync");
    expect(new TextDecoder().decode(fx.readRange(path, P + 100, 4))).toBe("tail");
  });

  it("rejects an unaligned address with EINVAL", () => {
    const { space, m } = sharedFile(56);
    expectMmapError(() => space.msync(m.address + 1, P, "sync"), "EINVAL", "msync");
    expectMmapError(() => space.msync(m.address + 2048, P, 0), "EINVAL", "msync");
    expectMmapError(() => m.msync("sync", 1, P), "EINVAL", "msync");
    expectMmapError(() => m.msync("sync", P + 10), "EINVAL", "msync");
  });

  it("rejects MS_SYNC|MS_ASYNC with EINVAL and writes nothing", () => {
    const { space, data, path, m } = sharedFile(57);
    m.write("dirty", 0);
    space.resetHostIO();
    expectMmapError(() => m.msync("sync|async"), "EINVAL", "msync");
    expectMmapError(() => m.msync(anymmap.MS_SYNC | anymmap.MS_ASYNC), "EINVAL", "msync");
    expectMmapError(() => space.msync(m.address, m.length, "async|sync|invalidate"), "EINVAL", "msync");
    expectMmapError(() => space.msync(m.address, m.length, 7), "EINVAL", "msync");
    expect(space.hostIO.writes).toBe(0);
    if (!storesVisibleAtOnce) expect(fx.read(path)).toEqual(data);
    else expect(new TextDecoder().decode(fx.readRange(path, 0, 5))).toBe("dirty");
  });

  for (const flags of [8, 16, 0x100, 0x40000000, "bogus", "sync|bogus"]) {
    it(`rejects unknown flags ${JSON.stringify(flags)} with EINVAL`, () => {
      const { space, m } = sharedFile(58);
      expectMmapError(() => m.msync(flags), "EINVAL", "msync");
      expectMmapError(() => space.msync(m.address, m.length, flags), "EINVAL", "msync");
    });
  }

  it("a range with unmapped pages gives ENOMEM, and the mapped part is still synced", () => {
    const { space, data, path, m } = sharedFile(59);
    const w0 = pattern(100, 60);
    const w3 = pattern(100, 61);
    m.write(w0, 5);
    m.write(w3, 3 * P + 5);
    m.munmap(P, P); // a hole at page 1 (no write-back is needed there: it is clean)
    expectMmapError(() => space.msync(m.address, 4 * P, "sync"), "ENOMEM", "msync");
    let expected = patched(data, 5, w0);
    expected = patched(expected, 3 * P + 5, w3);
    expect(fx.read(path)).toEqual(expected);
    expect(m.read(0, P)).toEqual(expected.subarray(0, P));
    expect(m.read(2 * P, 2 * P)).toEqual(expected.subarray(2 * P));
  });

  it("through the object, a range over a hole gives ENOMEM, and the mapped parts are still synced", () => {
    const { data, path, m } = sharedFile(67);
    const w0 = pattern(100, 68);
    const w3 = pattern(100, 69);
    m.munmap(P, P);
    m.write(w0, 5);
    m.write(w3, 3 * P + 5);
    expectMmapError(() => m.msync("sync"), "ENOMEM", "msync");
    let expected = patched(data, 5, w0);
    expected = patched(expected, 3 * P + 5, w3);
    expect(fx.read(path)).toEqual(expected);
    // A range that avoids the hole is fine.
    m.write(w0, 2 * P);
    m.msync("sync", 2 * P, 2 * P);
    expect(fx.readRange(path, 2 * P, 100)).toEqual(w0);
  });

  it("a range with no mapped page at all gives ENOMEM", () => {
    const space = anymmap.createInstance();
    space.mmapSync(null, { length: P });
    expectMmapError(() => space.msync(0x40000000, 4 * P, "sync"), "ENOMEM", "msync");
    expectMmapError(() => space.msync(0x40000000, 4 * P, "async"), "ENOMEM", "msync");
  });

  it("MS_INVALIDATE re-reads clean pages that someone else changed in the file", () => {
    const { path, m } = sharedFile(62, 2);
    const old = m.read();
    expect(old).toEqual(pattern(2 * P, 62));
    const view = m.view(0, 2 * P);
    const fresh = pattern(2 * P, 63);
    fx.write(path, fresh);
    m.msync("invalidate");
    expect(m.read()).toEqual(fresh);
    // Memory is rewritten in place: a view taken earlier shows the new bytes too.
    expect(view).toEqual(fresh);
  });

  it("MS_SYNC|MS_INVALIDATE at the address level re-reads clean pages and keeps dirty ones", () => {
    const { space, path, m } = sharedFile(64, 2);
    expect(m.read()).toEqual(pattern(2 * P, 64));
    const fresh = pattern(2 * P, 65);
    fx.write(path, fresh);
    // Page 1 is dirty: msync writes it back, so the file and the mapping agree on it.
    const w = pattern(16, 66);
    m.write(w, P + 8);
    space.msync(m.address, m.length, "sync|invalidate");
    const expected = patched(fresh, P + 8, w);
    expect(m.read(0, P)).toEqual(fresh.subarray(0, P));
    expect(m.read(P + 8, 16)).toEqual(w);
    expect(fx.readRange(path, P + 8, 16)).toEqual(w);
    expect(fx.readRange(path, 0, P)).toEqual(expected.subarray(0, P));
  });
});
