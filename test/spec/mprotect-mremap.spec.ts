/**
 * mprotect(2) as enforced at every API entry, and mremap(2): shrink, grow in
 * place, grow by moving, growing a file mapping after the file grew, errors.
 */
import { anymmap, beforeEach, describe, expect, expectMmapError, fx, it, pattern } from "../harness/index.js";

// Every test asserts something, on every backend: one that checks nothing fails.
beforeEach(() => expect.hasAssertions());

const P = anymmap.pageSize;

function patched(base: Uint8Array, at: number, bytes: Uint8Array): Uint8Array {
  const out = base.slice();
  out.set(bytes, at);
  return out;
}

const zeros = (n: number) => new Uint8Array(n);

/**
 * A free stretch of address space with room above it to grow. WASM: 1 GiB
 * in, far below where the engine allocates top-down (each instance has its
 * own memory). Native: instances share the process's address space, so each
 * test takes a stretch the kernel has just handed out and taken back.
 */
let FREE = 0x40000000;
beforeEach(() => {
  if (anymmap.backend !== "native") return;
  const probe = anymmap.createInstance().mmapSync(null, { length: 64 * P });
  FREE = probe.address;
  probe.munmap();
});

describe("mprotect", () => {
  function anon(seed: number, pages = 4) {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: pages * P, prot: "rw" });
    const data = pattern(pages * P, seed);
    m.write(data, 0);
    return { space, m, data };
  }

  it("PROT_NONE: reads, views and writes throw EACCES; back to read-write the bytes are intact", () => {
    const { m, data } = anon(1);
    m.mprotect("none");
    expect(m.prot).toBe(anymmap.PROT_NONE);
    expectMmapError(() => m.read(), "EACCES", "access");
    expectMmapError(() => m.read(0, 1), "EACCES", "access");
    expectMmapError(() => m.bytes, "EACCES", "access");
    expectMmapError(() => m.view(P, P), "EACCES", "access");
    expectMmapError(() => m.view(P, P, "write"), "EACCES", "access");
    expectMmapError(() => m.readInto(new Uint8Array(8), 0), "EACCES", "access");
    expectMmapError(() => m.write("x", 0), "EACCES", "access");
    m.mprotect(anymmap.PROT_READ | anymmap.PROT_WRITE);
    expect(m.prot).toBe(anymmap.PROT_READ | anymmap.PROT_WRITE);
    expect(m.read()).toEqual(data);
    m.write("ok", 5);
    expect(new TextDecoder().decode(m.read(5, 2))).toBe("ok");
  });

  it("read-only: reads work, writes and write views throw EACCES; back to read-write works", () => {
    const { m, data } = anon(2);
    m.mprotect("r");
    expect(m.prot).toBe(anymmap.PROT_READ);
    expect(m.read()).toEqual(data);
    expect(m.view(P, 4)).toEqual(data.subarray(P, P + 4));
    expectMmapError(() => m.write("x", 0), "EACCES", "access");
    expectMmapError(() => m.write(new Uint8Array(P), 3 * P), "EACCES", "access");
    expectMmapError(() => m.view(0, P, "write"), "EACCES", "access");
    expect(m.read()).toEqual(data);
    m.mprotect("read|write");
    const w = pattern(P, 3);
    m.write(w, 2 * P);
    expect(m.read()).toEqual(patched(data, 2 * P, w));
  });

  it("applies to a page range: only the protected pages refuse", () => {
    const { m, data } = anon(4);
    m.mprotect("r", P, P); // page 1 read-only
    m.write("page0", 0);
    m.write("page2", 2 * P);
    expectMmapError(() => m.write("page1", P), "EACCES", "access");
    expectMmapError(() => m.write(new Uint8Array(2), P - 1), "EACCES", "access");
    expect(m.read(P, P)).toEqual(data.subarray(P, 2 * P));
    m.mprotect("none", 3 * P, P);
    expectMmapError(() => m.read(3 * P, 1), "EACCES", "access");
    expectMmapError(() => m.read(), "EACCES", "access");
    expect(new TextDecoder().decode(m.read(2 * P, 5))).toBe("page2");
  });

  it("at the address level, over two adjacent mappings", () => {
    const space = anymmap.createInstance();
    const a = space.mmapSync(null, { length: 2 * P, prot: "rw", address: FREE + 2 * P });
    const b = space.mmapSync(null, { length: 2 * P, prot: "rw", address: FREE });
    expect(b.address + b.length).toBe(a.address);
    a.write("a", 0);
    b.write("b", 0);
    space.mprotect(b.address, 4 * P, "r");
    expectMmapError(() => a.write("x", 0), "EACCES", "access");
    expectMmapError(() => b.write("x", P), "EACCES", "access");
    expect(new TextDecoder().decode(a.read(0, 1))).toBe("a");
    space.mprotect(b.address, 4 * P, anymmap.PROT_READ | anymmap.PROT_WRITE);
    a.write("y", 0);
    b.write("z", 0);
    expect(new TextDecoder().decode(a.read(0, 1))).toBe("y");
    expect(new TextDecoder().decode(b.read(0, 1))).toBe("z");
  });

  it("the address-level mprotect is the Mapping's too: prot follows it, and the last mprotect, whichever, decides writes", () => {
    // The Mapping kept its own copy of its protection: after space.mprotect(..., "r") its prot still said
    // read-write, and after m.mprotect("r") then space.mprotect(..., "rw") its writes were still EACCES.
    const space = anymmap.createInstance();
    const path = fx.file(pattern(2 * P, 8), "mprotect-address-level");
    const m = space.mmapSync(path, { prot: "rw", flags: "shared" });
    space.mprotect(m.address, 2 * P, "r");
    expect(m.prot).toBe(anymmap.PROT_READ);
    expectMmapError(() => m.write("x", 0), "EACCES", "access");
    m.mprotect("r");
    space.mprotect(m.address, 2 * P, "rw");
    expect(m.prot).toBe(anymmap.PROT_READ | anymmap.PROT_WRITE);
    expect(m.write("y", 1)).toBe(1);
    // Part of the mapping: the protection then differs by page.
    space.mprotect(m.address + P, P, "r");
    expect(m.write("z", 0)).toBe(1);
    expectMmapError(() => m.write("z", P), "EACCES", "access");
    m.munmap();
    expect(Array.from(fx.read(path).subarray(0, 2))).toEqual([122, 121]);
  });

  it("PROT_WRITE on a MAP_SHARED mapping of a read-only handle gives EACCES and changes nothing", () => {
    const space = anymmap.createInstance();
    const data = pattern(2 * P, 5);
    const path = fx.file(data, "ro-shared");
    const h = space.openSync(path, "r");
    const m = space.mmapSync(h, { prot: "r", flags: "shared" });
    expectMmapError(() => m.mprotect("rw"), "EACCES", "mprotect");
    expectMmapError(() => m.mprotect(anymmap.PROT_WRITE), "EACCES", "mprotect");
    expectMmapError(() => space.mprotect(m.address, P, "read|write"), "EACCES", "mprotect");
    expect(m.prot).toBe(anymmap.PROT_READ);
    expectMmapError(() => m.write("x", 0), "EACCES", "access");
    expect(m.read()).toEqual(data);
    // Closing the handle changes nothing.
    h.close();
    expectMmapError(() => m.mprotect("rw"), "EACCES", "mprotect");
    expect(fx.read(path)).toEqual(data);
  });

  it("PROT_WRITE on a MAP_PRIVATE mapping of a read-only handle works and never reaches the file", () => {
    const space = anymmap.createInstance();
    const data = pattern(2 * P, 6);
    const path = fx.file(data, "ro-private");
    const h = space.openSync(path, "r");
    const m = space.mmapSync(h, { prot: "r", flags: "private" });
    m.mprotect("rw");
    m.write("private", 10);
    expect(new TextDecoder().decode(m.read(10, 7))).toBe("private");
    m.msync("sync");
    m.munmap();
    h.close();
    expect(fx.read(path)).toEqual(data);
  });

  it("rejects an unaligned address or offset with EINVAL", () => {
    const { space, m } = anon(7);
    expectMmapError(() => m.mprotect("r", 1), "EINVAL", "mprotect");
    expectMmapError(() => m.mprotect("r", P + 100, P), "EINVAL", "mprotect");
    expectMmapError(() => space.mprotect(m.address + 1, P, "r"), "EINVAL", "mprotect");
    expectMmapError(() => space.mprotect(m.address + P / 2, P, "none"), "EINVAL", "mprotect");
    m.write("still writable", 0);
    expect(m.prot).toBe(anymmap.PROT_READ | anymmap.PROT_WRITE);
  });

  for (const prot of [0x100, 0x8, 0x40, 0x7fffffff, "bogus", "read|bogus", "rwq"]) {
    it(`rejects prot ${JSON.stringify(prot)} with EINVAL`, () => {
      const { space, m } = anon(8);
      // Numbers and strings the types reject too: run time must reject them as well.
      expectMmapError(() => m.mprotect(prot as never), "EINVAL", "mprotect");
      expectMmapError(() => space.mprotect(m.address, P, prot as never), "EINVAL", "mprotect");
      m.write("still writable", 0);
    });
  }

  it("a range with unmapped pages gives ENOMEM at the address level", () => {
    const { space, m, data } = anon(9, 3);
    m.munmap(P, P);
    expectMmapError(() => space.mprotect(m.address, 3 * P, "r"), "ENOMEM", "mprotect");
    expectMmapError(() => space.mprotect(FREE, P, "r"), "ENOMEM", "mprotect");
    expect(m.read(0, P)).toEqual(data.subarray(0, P));
    // Through the object the call reports the hole as Linux does.
    expectMmapError(() => m.mprotect("r"), "ENOMEM", "mprotect");
    m.write("still writable", 2 * P);
  });

  it("dirty MAP_SHARED pages protected PROT_NONE are still written back on munmap", () => {
    const space = anymmap.createInstance();
    const data = pattern(2 * P, 11);
    const path = fx.file(data, "none-writeback");
    const m = space.mmapSync(path, { prot: "rw", flags: "shared" });
    const w = pattern(50, 12);
    m.write(w, P + 1);
    m.mprotect("none");
    m.munmap();
    expect(fx.read(path)).toEqual(patched(data, P + 1, w));
  });

  it("a store through a view held from before mprotect('r') never reaches the file; what was dirty by then does", () => {
    const space = anymmap.createInstance();
    const data = pattern(2 * P, 13);
    const path = fx.file(data, "readonly-stale-view");
    const m = space.mmapSync(path, { prot: "rw", flags: "shared" });
    const held = m.bytes;
    held[P + 3] = data[P + 3]! ^ 0xff;
    m.mprotect("r");
    // WebAssembly cannot protect memory: the store may change the bytes, never the file.
    held[7] = data[7]! ^ 0xff;
    m.msync();
    const expected = data.slice();
    expected[P + 3] = data[P + 3]! ^ 0xff;
    expect(fx.read(path)).toEqual(expected);
    m.munmap();
    expect(fx.read(path)).toEqual(expected);
  });

  it("a stale store into a page that was dirty when it lost write access never reaches the file either", () => {
    const space = anymmap.createInstance();
    const data = pattern(P, 14);
    const path = fx.file(data, "readonly-stale-same-page");
    const m = space.mmapSync(path, { prot: "rw", flags: "shared" });
    const held = m.bytes;
    held[5] = data[5]! ^ 0xff;
    m.mprotect("r");
    held[9] = data[9]! ^ 0xff;
    m.munmap();
    const expected = data.slice();
    expected[5] = data[5]! ^ 0xff;
    expect(fx.read(path)).toEqual(expected);
  });

  it("a store made while the mapping was read-only is gone once write access is back: the view shows the file's bytes, msync writes nothing", () => {
    const space = anymmap.createInstance();
    const data = pattern(2 * P, 17);
    const path = fx.file(data, "readonly-stale-regain");
    const m = space.mmapSync(path, { prot: "rw", flags: "shared" });
    const held = m.bytes;
    held[P + 3] = data[P + 3]! ^ 0xff;
    m.mprotect("r");
    held[7] = data[7]! ^ 0xff;
    m.mprotect("rw");
    const expected = data.slice();
    expected[P + 3] = data[P + 3]! ^ 0xff;
    expect(m.read()).toEqual(expected);
    m.msync();
    expect(fx.read(path)).toEqual(expected);
    // Stores made with write access are written as ever.
    held[11] = 0x5a;
    m.munmap();
    expected[11] = 0x5a;
    expect(fx.read(path)).toEqual(expected);
  });

  it("the same for pages first read while the mapping was read-only", () => {
    const space = anymmap.createInstance();
    const data = pattern(64 * P, 18);
    const path = fx.file(data, "readonly-stale-regain-paged-in");
    const m = space.mmapSync(path, { prot: "rw", flags: "shared" });
    m.mprotect("r");
    const held = m.bytes;
    held[40 * P + 5] = data[40 * P + 5]! ^ 0xff;
    m.mprotect("rw");
    expect(m.read(40 * P, P)).toEqual(data.subarray(40 * P, 41 * P));
    held[40 * P + 6] = 0x77;
    m.munmap();
    const expected = data.slice();
    expected[40 * P + 6] = 0x77;
    expect(fx.read(path)).toEqual(expected);
  });

  it("after mprotect('r'), a pwrite into the page writes its bytes and nothing a stale view stored there", () => {
    const space = anymmap.createInstance();
    const data = pattern(P, 15);
    const path = fx.file(data, "readonly-stale-pwrite");
    const m = space.mmapSync(path, { prot: "rw", flags: "shared" });
    const held = m.bytes;
    m.mprotect("r");
    held[20] = data[20]! ^ 0xff;
    const h = space.openSync(path, "r+");
    h.pwrite(new Uint8Array([1, 2, 3]), 100);
    h.close();
    m.munmap();
    const expected = data.slice();
    expected.set([1, 2, 3], 100);
    expect(fx.read(path)).toEqual(expected);
  });

  it("losing write access writes back only the bytes the mapping changed: another writer's bytes in the page stay", () => {
    const space = anymmap.createInstance();
    const data = pattern(P, 16);
    const path = fx.file(data, "readonly-other-writer");
    const m = space.mmapSync(path, { prot: "rw", flags: "shared" });
    m.write(new Uint8Array([7]), 5);
    fx.writeAt(path, 200, new Uint8Array([9, 9]));
    m.mprotect("r");
    m.munmap();
    const expected = data.slice();
    expected[5] = 7;
    expected.set([9, 9], 200);
    expect(fx.read(path)).toEqual(expected);
  });

  it("length 0 is accepted and changes nothing", () => {
    const { space, m } = anon(10);
    space.mprotect(m.address, 0, "none");
    m.write("x", 0);
    expect(new TextDecoder().decode(m.read(0, 1))).toBe("x");
  });
});

describe("mremap", () => {
  it("shrink keeps the head's contents; the cut pages are gone", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 4 * P, prot: "rw" });
    const data = pattern(4 * P, 20);
    m.write(data, 0);
    const address = m.address;
    m.mremap(2 * P);
    expect(m.length).toBe(2 * P);
    expect(m.address).toBe(address);
    expect(m.read()).toEqual(data.subarray(0, 2 * P));
    expect(m.bytes).toEqual(data.subarray(0, 2 * P));
    expectMmapError(() => m.read(2 * P, 1), "EINVAL", "access");
    expectMmapError(() => m.write("x", 3 * P), "EINVAL", "access");
    expectMmapError(() => space.mincore(address + 2 * P, 2 * P), "ENOMEM", "mincore");
    m.write("still", 2 * P - 5);
    expect(new TextDecoder().decode(m.read(2 * P - 5, 5))).toBe("still");
  });

  it("shrinking a MAP_SHARED file mapping writes the cut dirty pages back", () => {
    const space = anymmap.createInstance();
    const data = pattern(4 * P, 21);
    const path = fx.file(data, "shrink");
    const m = space.mmapSync(path, { prot: "rw", flags: "shared" });
    const w = pattern(100, 22);
    m.write(w, 3 * P + 50);
    m.mremap(P);
    expect(m.read()).toEqual(data.subarray(0, P));
    expect(fx.read(path)).toEqual(patched(data, 3 * P + 50, w));
  });

  it("grows in place when the pages above are free: same address, contents kept, zeros after", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 2 * P, prot: "rw", address: FREE });
    expect(m.address).toBe(FREE);
    const data = pattern(2 * P, 23);
    m.write(data, 0);
    const view = m.view(0, 2 * P);
    m.mremap(6 * P);
    expect(m.address).toBe(FREE);
    expect(m.length).toBe(6 * P);
    expect(m.read(0, 2 * P)).toEqual(data);
    expect(m.read(2 * P, 4 * P)).toEqual(zeros(4 * P));
    expect(view).toEqual(data);
    m.write("new part", 5 * P);
    expect(new TextDecoder().decode(m.read(5 * P, 8))).toBe("new part");
  });

  it("without maymove, growth blocked by a neighbour gives ENOMEM and changes nothing", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 2 * P, prot: "rw", address: FREE });
    const blocker = space.mmapSync(null, { length: 2 * P, prot: "rw", address: m.address + m.length });
    expect(blocker.address).toBe(m.address + m.length);
    const data = pattern(2 * P, 24);
    m.write(data, 0);
    blocker.write("blocker", 0);
    expectMmapError(() => m.mremap(4 * P), "ENOMEM", "mremap");
    expectMmapError(() => m.mremap(4 * P, 0), "ENOMEM", "mremap");
    expect(m.address).toBe(FREE);
    expect(m.length).toBe(2 * P);
    expect(m.read()).toEqual(data);
    expect(new TextDecoder().decode(blocker.read(0, 7))).toBe("blocker");
  });

  it("with maymove, a blocked anonymous mapping moves: contents kept, new part zeros, old address unmapped", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 2 * P, prot: "rw", address: FREE });
    const blocker = space.mmapSync(null, { length: 2 * P, prot: "rw", address: m.address + m.length });
    const data = pattern(2 * P, 25);
    m.write(data, 0);
    blocker.write("blocker", 0);
    const old = m.address;
    m.mremap(5 * P, "maymove");
    expect(m.length).toBe(5 * P);
    expect(m.address).not.toBe(old);
    expect(m.read(0, 2 * P)).toEqual(data);
    expect(m.read(2 * P, 3 * P)).toEqual(zeros(3 * P));
    m.write("moved", 4 * P);
    expect(new TextDecoder().decode(m.read(4 * P, 5))).toBe("moved");
    expect(new TextDecoder().decode(blocker.read(0, 7))).toBe("blocker");
    expectMmapError(() => space.mincore(old, 2 * P), "ENOMEM", "mincore");
    // MREMAP_MAYMOVE as a number works the same.
    m.mremap(9 * P, anymmap.MREMAP_MAYMOVE);
    expect(m.read(0, 2 * P)).toEqual(data);
    expect(new TextDecoder().decode(m.read(4 * P, 5))).toBe("moved");
    expect(m.read(5 * P, 4 * P)).toEqual(zeros(4 * P));
  });

  it("with maymove, a MAP_SHARED anonymous mapping keeps its contents", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 2 * P, prot: "rw", flags: "shared" });
    const data = pattern(2 * P, 26);
    m.write(data, 0);
    m.mremap(8 * P, "maymove");
    expect(m.read(0, 2 * P)).toEqual(data);
    expect(m.read(2 * P, 6 * P)).toEqual(zeros(6 * P));
  });

  for (const flags of ["shared", "private"] as const) {
    it(`grows a MAP_${flags.toUpperCase()} file mapping over a longer file: the new part shows the file's bytes`, () => {
      const space = anymmap.createInstance();
      const data = pattern(8 * P, 27);
      const path = fx.file(data, `longer-${flags}`);
      const m = space.mmapSync(path, { prot: "r", flags, length: 3 * P });
      expect(m.read()).toEqual(data.subarray(0, 3 * P));
      m.mremap(8 * P, "maymove");
      expect(m.length).toBe(8 * P);
      expect(m.read()).toEqual(data);
      m.munmap();
      // Also from an offset.
      const n = space.mmapSync(path, { prot: "r", flags, offset: 2 * P, length: P });
      n.mremap(5 * P, "maymove");
      expect(n.read()).toEqual(data.subarray(2 * P, 7 * P));
    });

    it(`grows a MAP_${flags.toUpperCase()} file mapping while another MAP_SHARED mapping covers the same file pages`, () => {
      const space = anymmap.createInstance();
      const data = pattern(8 * P, 31);
      const path = fx.file(data, `overlap-${flags}`);
      const whole = space.mmapSync(path, { prot: "r", flags: "shared" });
      expect(whole.read()).toEqual(data);
      const n = space.mmapSync(path, { prot: "r", flags, offset: 2 * P, length: P });
      n.mremap(5 * P, "maymove");
      expect(n.length).toBe(5 * P);
      expect(n.read()).toEqual(data.subarray(2 * P, 7 * P));
      expect(whole.read()).toEqual(data);
    });
  }

  it("grows a file mapping after handle.truncate grew the file: new part zeros, writable, reaches the file", () => {
    const space = anymmap.createInstance();
    const data = pattern(2 * P, 28);
    const path = fx.file(data, "grow-then-mremap");
    const h = space.openSync(path, "r+");
    const m = space.mmapSync(h, { prot: "rw", flags: "shared" });
    expect(m.length).toBe(2 * P);
    h.truncate(5 * P);
    expect(h.size()).toBe(5 * P);
    m.mremap(5 * P, "maymove");
    expect(m.read(0, 2 * P)).toEqual(data);
    expect(m.read(2 * P, 3 * P)).toEqual(zeros(3 * P));
    const w = pattern(2 * P, 29);
    m.write(w, 2 * P + 100);
    m.msync("sync");
    const expected = patched(new Uint8Array(5 * P), 0, data);
    expected.set(w, 2 * P + 100);
    expect(fx.size(path)).toBe(5 * P);
    expect(fx.read(path)).toEqual(expected);
    // The descriptor sees the same bytes.
    const back = new Uint8Array(w.length);
    expect(h.pread(back, 2 * P + 100)).toBe(w.length);
    expect(back).toEqual(w);
    h.close();
  });

  it("grows a file mapping in place past the end of the file, then the file grows under it", () => {
    const space = anymmap.createInstance();
    const data = pattern(P, 30);
    const path = fx.file(data, "grow-past-eof");
    const h = space.openSync(path, "r+");
    const m = space.mmapSync(h, { prot: "rw", flags: "shared" });
    m.mremap(3 * P, "maymove");
    // Past EOF is SIGBUS on Linux: an error (EFAULT from access), never bytes.
    expectMmapError(() => m.read(2 * P, 1), "EFAULT", "access");
    h.truncate(3 * P);
    expect(m.read(P, 2 * P)).toEqual(zeros(2 * P));
    m.write("tail", 3 * P - 4);
    m.msync("sync");
    expect(new TextDecoder().decode(fx.readRange(path, 3 * P - 4, 4))).toBe("tail");
    h.close();
  });

  it("rejects newLength 0 (and other bad lengths) with EINVAL and keeps the mapping", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 2 * P, prot: "rw" });
    m.write("kept", 0);
    expectMmapError(() => m.mremap(0), "EINVAL", "mremap");
    expectMmapError(() => m.mremap(0, "maymove"), "EINVAL", "mremap");
    expectMmapError(() => m.mremap(-P, "maymove"), "EINVAL", "mremap");
    expectMmapError(() => m.mremap(1.5, "maymove"), "EINVAL", "mremap");
    expectMmapError(() => m.mremap(Number.NaN), "EINVAL", "mremap");
    expect(m.length).toBe(2 * P);
    expect(new TextDecoder().decode(m.read(0, 4))).toBe("kept");
  });

  it("rejects unknown flags and MREMAP_FIXED/MREMAP_DONTUNMAP through the object with EINVAL", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 2 * P, prot: "rw" });
    m.write("kept", 0);
    expectMmapError(() => m.mremap(4 * P, 8), "EINVAL", "mremap");
    expectMmapError(() => m.mremap(4 * P, "bogus"), "EINVAL", "mremap");
    expectMmapError(() => m.mremap(4 * P, "maymove|fixed"), "EINVAL", "mremap");
    expectMmapError(() => m.mremap(4 * P, "maymove|dontunmap"), "EINVAL", "mremap");
    expect(m.length).toBe(2 * P);
    expect(new TextDecoder().decode(m.read(0, 4))).toBe("kept");
  });

  it("EFAULT when the old range is no longer one mapping (middle unmapped, or all of it)", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 4 * P, prot: "rw" });
    m.munmap(P, P);
    expectMmapError(() => m.mremap(8 * P, "maymove"), "EFAULT", "mremap");
    expectMmapError(() => m.mremap(2 * P), "EFAULT", "mremap");
    m.munmap(0, P);
    m.munmap(2 * P, 2 * P);
    expect(m.mapped).toBe(false);
    expectMmapError(() => m.mremap(8 * P, "maymove"), "EFAULT", "mremap");
  });

  it("the same length is a no-op; a length that is not a page multiple is the mapping's new length", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 2 * P, prot: "rw", address: FREE });
    const data = pattern(2 * P, 32);
    m.write(data, 0);
    m.mremap(2 * P);
    expect(m.address).toBe(FREE);
    expect(m.read()).toEqual(data);
    m.mremap(3 * P + 10);
    expect(m.length).toBe(3 * P + 10);
    expect(m.read(0, 2 * P)).toEqual(data);
    expect(m.read(2 * P, P + 10)).toEqual(zeros(P + 10));
    expectMmapError(() => m.read(3 * P + 10, 1), "EINVAL", "access");
    const n = space.mmapSync(null, { length: 4 * P, prot: "rw" });
    n.write(data, 0);
    n.mremap(P + 1);
    expect(n.length).toBe(P + 1);
    expect(n.read()).toEqual(data.subarray(0, P + 1));
  });

  it("a mapping grown in place can be remapped again: grow, grow, shrink, move", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 2 * P, prot: "rw", address: FREE });
    const data = pattern(2 * P, 33);
    m.write(data, 0);
    m.mremap(4 * P);
    m.write("second", 3 * P);
    m.mremap(6 * P);
    expect(m.address).toBe(FREE);
    expect(m.read(0, 2 * P)).toEqual(data);
    expect(new TextDecoder().decode(m.read(3 * P, 6))).toBe("second");
    m.mremap(4 * P);
    expect(m.length).toBe(4 * P);
    const blocker = space.mmapSync(null, { length: P, prot: "r", address: FREE + 4 * P });
    expect(blocker.address).toBe(FREE + 4 * P);
    m.mremap(8 * P, "maymove");
    expect(m.address).not.toBe(FREE);
    expect(m.read(0, 2 * P)).toEqual(data);
    expect(new TextDecoder().decode(m.read(3 * P, 6))).toBe("second");
    expect(m.read(4 * P, 4 * P)).toEqual(zeros(4 * P));
  });

  it("a MAP_SHARED file mapping grown in place can be remapped again and still writes back", () => {
    const space = anymmap.createInstance();
    const data = pattern(8 * P, 34);
    const path = fx.file(data, "grow-twice");
    // The kernel places a new mapping right below the previous one: room to grow needs an address.
    const at = anymmap.backend === "native" ? { address: FREE } : {};
    const m = space.mmapSync(path, { prot: "rw", flags: "shared", length: 2 * P, ...at });
    m.mremap(4 * P);
    m.mremap(8 * P);
    expect(m.read()).toEqual(data);
    m.write("end", 8 * P - 3);
    m.mremap(6 * P);
    expect(fx.read(path)).toEqual(patched(data, 8 * P - 3, new TextEncoder().encode("end")));
  });

  it("a MAP_SHARED file mapping grown in place over another mapping's page of the file can be remapped again", () => {
    // The WASM engine gives a shared file page one address, so the growth lays the mapping over the other's page;
    // the old range was then two pieces of different depth, and every later mremap of it said EFAULT ('the old
    // range is not one mapping'). Linux grows, shrinks and moves it.
    const space = anymmap.createInstance();
    const data = pattern(8 * P, 36);
    const path = fx.file(data, "grow-over-other");
    const at = anymmap.backend === "native" ? { address: FREE } : {};
    const a = space.mmapSync(path, { prot: "rw", flags: "shared", length: P, ...at });
    const b = space.mmapSync(path, { prot: "rw", flags: "shared", offset: P, length: P });
    a.mremap(2 * P);
    a.write("from a", P);
    expect(b.read(0, 6)).toEqual(new TextEncoder().encode("from a"));
    const seen = patched(data, P, new TextEncoder().encode("from a"));
    a.mremap(3 * P);
    expect(a.address).toBe(at.address ?? a.address);
    expect(a.read()).toEqual(seen.subarray(0, 3 * P));
    a.mremap(2 * P);
    expect(a.read()).toEqual(seen.subarray(0, 2 * P));
    expect(b.read()).toEqual(seen.subarray(P, 2 * P));
    // A move past the room the engine keeps after the file's pages: the page b also maps has one address in the
    // WASM engine, which cannot alias it (docs/semantics.md: ENOMEM); Linux moves it.
    const far = 256 * 1024 * 1024;
    if (anymmap.backend === "native") {
      a.mremap(far, "maymove");
      expect(a.read(0, 2 * P)).toEqual(seen.subarray(0, 2 * P));
      a.mremap(2 * P);
    } else {
      expectMmapError(() => a.mremap(far, "maymove"), "ENOMEM", "mremap");
      expect(a.length).toBe(2 * P);
      b.munmap();
      a.mremap(far, "maymove");
      expect(a.read(0, 2 * P)).toEqual(seen.subarray(0, 2 * P));
      a.mremap(2 * P);
    }
    a.write("end", 2 * P - 3);
    a.munmap();
    expect(fx.read(path)).toEqual(patched(seen, 2 * P - 3, new TextEncoder().encode("end")));
  });

  it("mremap works after mprotect split the mapping and restored its protection (Linux merges the pieces)", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 4 * P, prot: "rw" });
    const data = pattern(4 * P, 35);
    m.write(data, 0);
    m.mprotect("r", P, P);
    m.mprotect("rw", P, P);
    m.mremap(2 * P);
    expect(m.read()).toEqual(data.subarray(0, 2 * P));
    m.mremap(6 * P, "maymove");
    expect(m.read(0, 2 * P)).toEqual(data.subarray(0, 2 * P));
    expect(m.read(2 * P, 4 * P)).toEqual(zeros(4 * P));
  });

  it("mremap works after madvise of part of the mapping was set back to normal", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 4 * P, prot: "rw" });
    const data = pattern(4 * P, 36);
    m.write(data, 0);
    m.madvise("random", P, P);
    m.madvise("normal", P, P);
    m.mremap(8 * P, "maymove");
    expect(m.read(0, 4 * P)).toEqual(data);
  });

  it("a shrink and a regrow show zeros where the cut anonymous pages were", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 4 * P, prot: "rw", address: FREE });
    m.write(new Uint8Array(4 * P).fill(0xee), 0);
    m.mremap(P);
    m.mremap(4 * P);
    expect(m.address).toBe(FREE);
    expect(m.read(0, P)).toEqual(new Uint8Array(P).fill(0xee));
    expect(m.read(P, 3 * P)).toEqual(zeros(3 * P));
  });
});
