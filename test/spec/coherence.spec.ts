/**
 * Coherence inside one address space, as Linux's single page cache per file
 * gives it: every MAP_SHARED mapping of a file, and every descriptor's
 * pread/pwrite, sees the same bytes at once, without msync.
 */
import {
  anymmap,
  beforeEach,
  describe,
  expect,
  expectBytes,
  expectMmapError,
  fx,
  it,
  PAGE,
  pattern,
} from "../harness/index.js";

// Every test asserts something, on every backend: one that checks nothing fails.
beforeEach(() => expect.hasAssertions());

const enc = new TextEncoder();
const text = (s: string) => enc.encode(s);

const space = anymmap.createInstance();

describe("two MAP_SHARED mappings of one file see each other's writes at once", () => {
  it("through write()/read(), both directions, before any msync", () => {
    const data = pattern(4 * PAGE, 1);
    const path = fx.file(data);
    const a = space.mmapSync(path, { prot: "rw", flags: "shared" });
    const b = space.mmapSync(path, { prot: "rw", flags: "shared" });
    expectBytes(b.read(), data);
    a.write("from a", 10);
    expectBytes(b.read(10, 6), text("from a"));
    b.write("from b", 3 * PAGE + 100);
    expectBytes(a.read(3 * PAGE + 100, 6), text("from b"));
    // WASM: nothing was written to the file yet, the mappings share memory, not the disk.
    // Native: the mappings are the kernel's page cache, which read(2) sees at once.
    if (space.backend === "wasm") expectBytes(fx.read(path), data);
    else expectBytes(fx.readRange(path, 10, 6), text("from a"));
    a.munmap();
    b.munmap();
    const expected = data.slice();
    expected.set(text("from a"), 10);
    expected.set(text("from b"), 3 * PAGE + 100);
    expectBytes(fx.read(path), expected);
  });

  it("through raw views: a store in one view is a load in the other", () => {
    const data = pattern(4 * PAGE, 2);
    const path = fx.file(data);
    const a = space.mmapSync(path, { prot: "rw", flags: "shared" });
    const b = space.mmapSync(path, { prot: "rw", flags: "shared" });
    const va = a.bytes;
    const vb = b.view(0, 4 * PAGE, "write");
    va[5] = 0x01;
    vb[PAGE + 6] = 0x02;
    expect(vb[5]).toBe(0x01);
    expect(va[PAGE + 6]).toBe(0x02);
    // And the copies agree with the views.
    expectBytes(b.read(5, 1), new Uint8Array([0x01]));
    expectBytes(a.read(PAGE + 6, 1), new Uint8Array([0x02]));
    a.msync();
    const expected = data.slice();
    expected[5] = 0x01;
    expected[PAGE + 6] = 0x02;
    expectBytes(fx.read(path), expected);
    a.munmap();
    b.munmap();
  });

  it("a view taken before the other mapping's write sees it (the view is not a snapshot)", () => {
    const data = pattern(2 * PAGE, 3);
    const path = fx.file(data);
    const a = space.mmapSync(path, { prot: "r", flags: "shared" });
    const va = a.view(PAGE, PAGE);
    const b = space.mmapSync(path, { prot: "rw", flags: "shared" });
    b.write("late", PAGE + 20);
    expect(Array.from(va.subarray(20, 24))).toEqual(Array.from(text("late")));
    a.munmap();
    b.munmap();
  });

  it("mappings at overlapping but different offsets (0 + 3 pages, 4096 + 2 pages)", () => {
    const data = pattern(3 * PAGE, 4);
    const path = fx.file(data);
    const a = space.mmapSync(path, { prot: "rw", flags: "shared", offset: 0, length: 3 * PAGE });
    const b = space.mmapSync(path, { prot: "rw", flags: "shared", offset: PAGE, length: 2 * PAGE });
    expectBytes(b.read(), data.subarray(PAGE));
    // a's file offset 4096+10 is b's offset 10.
    a.write("via a", PAGE + 10);
    expectBytes(b.read(10, 5), text("via a"));
    // b's offset 4096+5 is file offset 8192+5, a's offset 8192+5.
    b.write("via b", PAGE + 5);
    expectBytes(a.read(2 * PAGE + 5, 5), text("via b"));
    // Raw views too.
    const va = a.bytes;
    const vb = b.bytes;
    vb[0] = 0xc3;
    expect(va[PAGE]).toBe(0xc3);
    va[2 * PAGE + PAGE - 1] = 0x3c;
    expect(vb[2 * PAGE - 1]).toBe(0x3c);
    // Page 0 is a's alone and still the file's.
    expectBytes(a.read(0, PAGE), data.subarray(0, PAGE));
    a.munmap();
    b.munmap();
    const expected = data.slice();
    expected.set(text("via a"), PAGE + 10);
    expected.set(text("via b"), 2 * PAGE + 5);
    expected[PAGE] = 0xc3;
    expected[3 * PAGE - 1] = 0x3c;
    expectBytes(fx.read(path), expected);
  });

  it("the second mapping made first at the higher offset, then the lower one", () => {
    const data = pattern(6 * PAGE, 5);
    const path = fx.file(data);
    const hi = space.mmapSync(path, { prot: "rw", flags: "shared", offset: 4 * PAGE, length: 2 * PAGE });
    hi.write("hi first", 0);
    const lo = space.mmapSync(path, { prot: "rw", flags: "shared", offset: 0, length: 6 * PAGE });
    expectBytes(lo.read(4 * PAGE, 8), text("hi first"));
    lo.write("lo later", 5 * PAGE + 1);
    expectBytes(hi.read(PAGE + 1, 8), text("lo later"));
    hi.munmap();
    lo.munmap();
  });

  it("mappings through different FileHandles of the same path", () => {
    const data = pattern(3 * PAGE, 6);
    const path = fx.file(data);
    const h1 = space.openSync(path, "r+");
    const h2 = space.openSync(path, "r+");
    expect(h1.fd).not.toBe(h2.fd);
    const a = space.mmapSync(h1, { prot: "rw", flags: "shared" });
    const b = space.mmapSync(h2, { prot: "rw", flags: "shared", offset: PAGE });
    a.write("handle one", 2 * PAGE);
    expectBytes(b.read(PAGE, 10), text("handle one"));
    b.bytes[0] = 0x7e;
    expectBytes(a.read(PAGE, 1), new Uint8Array([0x7e]));
    // pread through either handle sees both writes.
    const buf = new Uint8Array(3 * PAGE);
    expect(h2.pread(buf, 0)).toBe(3 * PAGE);
    const expected = data.slice();
    expected.set(text("handle one"), 2 * PAGE);
    expected[PAGE] = 0x7e;
    expectBytes(buf, expected);
    a.munmap();
    b.munmap();
    h1.close();
    h2.close();
    expectBytes(fx.read(path), expected);
  });

  it("a read-only handle's shared mapping sees an 'r+' handle's shared mapping writes", () => {
    const data = pattern(2 * PAGE, 7);
    const path = fx.file(data);
    const ro = space.openSync(path, "r");
    const rw = space.openSync(path, "r+");
    const reader = space.mmapSync(ro, { prot: "r", flags: "shared" });
    expectBytes(reader.read(), data);
    const writer = space.mmapSync(rw, { prot: "rw", flags: "shared" });
    writer.write("seen by reader", PAGE);
    expectBytes(reader.read(PAGE, 14), text("seen by reader"));
    writer.munmap();
    reader.munmap();
    ro.close();
    rw.close();
  });

  it("a read-only handle's shared mapping cannot mprotect to writable, even while an 'r+' mapping of the same pages is", () => {
    const data = pattern(2 * PAGE, 9);
    const path = fx.file(data);
    const writer = space.mmapSync(path, { prot: "rw", flags: "shared" });
    const ro = space.openSync(path, "r");
    const reader = space.mmapSync(ro, { prot: "r", flags: "shared" });
    expectMmapError(() => reader.mprotect("rw"), "EACCES", "mprotect");
    expectMmapError(() => reader.write("not through a read-only descriptor", 0), "EACCES", "access");
    expect(reader.prot).toBe(anymmap.PROT_READ);
    writer.write("the writer still writes", 0);
    reader.munmap();
    writer.munmap();
    ro.close();
    expectBytes(fx.read(path).subarray(0, 23), text("the writer still writes"));
    expectBytes(fx.read(path).subarray(23), data.subarray(23));
  });
});

describe("descriptor I/O and shared mappings share one page cache", () => {
  it("handle.pwrite is visible at once in shared mappings (resident pages and not yet loaded ones)", () => {
    const data = pattern(4 * PAGE, 8);
    const path = fx.file(data);
    const h = space.openSync(path, "r+");
    const m = space.mmapSync(h, { prot: "r", flags: "shared" });
    const resident = m.view(0, PAGE);
    expectBytes(resident, data.subarray(0, PAGE));
    expect(h.pwrite(text("pwrite one"), 100)).toBe(10);
    expectBytes(m.read(100, 10), text("pwrite one"));
    expect(Array.from(resident.subarray(100, 110))).toEqual(Array.from(text("pwrite one")));
    // A page the mapping has not touched yet.
    expect(h.pwrite(text("pwrite three"), 3 * PAGE + 7)).toBe(12);
    expectBytes(m.read(3 * PAGE + 7, 12), text("pwrite three"));
    // A write that spans a page boundary.
    const span = pattern(300, 9);
    expect(h.pwrite(span, 2 * PAGE - 150)).toBe(300);
    expectBytes(m.read(2 * PAGE - 150, 300), span);
    m.munmap();
    h.close();
    const expected = data.slice();
    expected.set(text("pwrite one"), 100);
    expected.set(text("pwrite three"), 3 * PAGE + 7);
    expected.set(span, 2 * PAGE - 150);
    expectBytes(fx.read(path), expected);
  });

  it("handle.pwrite through another handle of the same path is visible in the mapping", () => {
    const data = pattern(2 * PAGE, 10);
    const path = fx.file(data);
    const m = space.mmapSync(path, { prot: "r", flags: "shared" });
    expectBytes(m.read(), data);
    const h = space.openSync(path, "r+");
    h.pwrite(text("other fd"), PAGE + 1);
    expectBytes(m.read(PAGE + 1, 8), text("other fd"));
    h.close();
    m.munmap();
  });

  it("handle.pread sees bytes written through a shared mapping without msync", () => {
    const data = pattern(3 * PAGE, 11);
    const path = fx.file(data);
    const h = space.openSync(path, "r+");
    const m = space.mmapSync(path, { prot: "rw", flags: "shared" });
    m.write("unsynced", PAGE - 4); // spans pages 0 and 1
    m.bytes[2 * PAGE + 9] = 0xab; // raw store
    const buf = new Uint8Array(3 * PAGE);
    expect(h.pread(buf, 0)).toBe(3 * PAGE);
    const expected = data.slice();
    expected.set(text("unsynced"), PAGE - 4);
    expected[2 * PAGE + 9] = 0xab;
    expectBytes(buf, expected);
    // An unaligned partial pread.
    const part = new Uint8Array(6);
    expect(h.pread(part, PAGE - 2)).toBe(6);
    expectBytes(part, text("synced"));
    m.munmap();
    h.close();
  });

  it("a page written back, dirtied, then changed by pwrite stays dirty even when it is written back to its old bytes", () => {
    // Found by the fuzzer: the page's digest stood for bytes the file no
    // longer had after the pwrite, so restoring the old bytes looked clean
    // and the user's last write never reached the file.
    const path = fx.file(new Uint8Array(PAGE));
    const handle = space.openSync(path, "r+");
    const m = space.mmapSync(handle, { prot: "rw", flags: "shared" });
    m.write(new Uint8Array([1]), 0);
    m.msync();
    m.write(new Uint8Array([2]), 0);
    handle.pwrite(new Uint8Array([9]), 100);
    expectBytes(m.read(100, 1), new Uint8Array([9]));
    m.write(new Uint8Array([1]), 0);
    m.write(new Uint8Array([0]), 100);
    m.msync();
    const expected = new Uint8Array(PAGE);
    expected[0] = 1;
    expectBytes(fx.read(path), expected);
    m.munmap();
    handle.close();
  });

  it("a private mapping made after a shared write sees that write; its own writes stay private", () => {
    const data = pattern(2 * PAGE, 12);
    const path = fx.file(data);
    const shared = space.mmapSync(path, { prot: "rw", flags: "shared" });
    shared.write("shared first", 30);
    const priv = space.mmapSync(path, { prot: "rw", flags: "private" });
    expectBytes(priv.read(30, 12), text("shared first"));
    priv.write("private!", 30);
    priv.bytes[PAGE + 1] = data[PAGE + 1]! ^ 0xff;
    expectBytes(priv.read(30, 8), text("private!"));
    expectBytes(shared.read(30, 12), text("shared first"));
    expectBytes(shared.read(PAGE + 1, 1), data.subarray(PAGE + 1, PAGE + 2));
    const h = space.openSync(path, "r");
    const buf = new Uint8Array(12);
    h.pread(buf, 30);
    expectBytes(buf, text("shared first"));
    h.close();
    priv.munmap();
    shared.munmap();
    const expected = data.slice();
    expected.set(text("shared first"), 30);
    expectBytes(fx.read(path), expected);
  });
});

describe("truncate under a shared mapping", () => {
  it("shrinking then growing the file reads zeros where data was cut", () => {
    const data = pattern(3 * PAGE, 13);
    const path = fx.file(data);
    const h = space.openSync(path, "r+");
    const m = space.mmapSync(h, { prot: "rw", flags: "shared" });
    expectBytes(m.read(), data);
    const cut = PAGE + 100;
    h.truncate(cut);
    expect(fx.size(path)).toBe(cut);
    expectBytes(m.read(0, cut), data.subarray(0, cut));
    // The tail of the partial page is zero at once.
    expectBytes(m.read(cut, 2 * PAGE - cut), new Uint8Array(2 * PAGE - cut));
    h.truncate(3 * PAGE);
    expectBytes(m.read(0, cut), data.subarray(0, cut));
    expectBytes(m.read(cut, 3 * PAGE - cut), new Uint8Array(3 * PAGE - cut));
    const expected = new Uint8Array(3 * PAGE);
    expected.set(data.subarray(0, cut));
    expectBytes(fx.read(path), expected);
    m.munmap();
    h.close();
    expectBytes(fx.read(path), expected);
  });

  it("openSync(path, 'w') truncates under the mapping as ftruncate(0) does: EFAULT (SIGBUS), never the old bytes, no write lost unreported", () => {
    const data = pattern(2 * PAGE, 23);
    const path = fx.file(data);
    const m = space.mmapSync(path, { prot: "rw", flags: "shared" });
    m.write("dirty, then cut", 10);
    const h = space.openSync(path, "w");
    expect(fx.size(path)).toBe(0);
    expectMmapError(() => m.read(0, 4), "EFAULT", "access");
    expectMmapError(() => m.write("x", PAGE), "EFAULT", "access");
    // Written through the new handle, the file grows back under the mapping, which shows its bytes.
    h.pwrite(new TextEncoder().encode("fresh"), 0);
    expectBytes(m.read(0, 5), text("fresh"));
    m.munmap();
    h.close();
    expectBytes(fx.read(path), text("fresh"));
  });

  it("after a shrink, a page wholly past the new EOF faults (SIGBUS on Linux) even if it was resident", () => {
    const data = pattern(3 * PAGE, 19);
    const path = fx.file(data);
    const h = space.openSync(path, "r+");
    const m = space.mmapSync(h, { prot: "rw", flags: "shared" });
    expectBytes(m.read(), data); // every page resident
    h.truncate(PAGE + 100);
    expectBytes(m.read(0, PAGE + 100), data.subarray(0, PAGE + 100));
    expectMmapError(() => m.read(2 * PAGE, 1), "EFAULT", "access");
    expectMmapError(() => m.write("x", 2 * PAGE + 1), "EFAULT", "access");
    expectMmapError(() => m.view(PAGE, 2 * PAGE), "EFAULT", "access");
    m.msync();
    expect(fx.size(path)).toBe(PAGE + 100);
    // Growing the file again makes the page accessible, as zeros.
    h.truncate(3 * PAGE);
    expectBytes(m.read(2 * PAGE, PAGE), new Uint8Array(PAGE));
    m.munmap();
    h.close();
    const expected = new Uint8Array(3 * PAGE);
    expected.set(data.subarray(0, PAGE + 100));
    expectBytes(fx.read(path), expected);
  });

  it("dirty bytes below the new size survive a shrink; dirty bytes cut off are gone after growing", () => {
    const data = pattern(3 * PAGE, 14);
    const path = fx.file(data);
    const h = space.openSync(path, "r+");
    const m = space.mmapSync(h, { prot: "rw", flags: "shared" });
    m.write("kept", 50);
    m.write("lost", 2 * PAGE + 50);
    h.truncate(PAGE);
    h.truncate(3 * PAGE);
    expectBytes(m.read(50, 4), text("kept"));
    expectBytes(m.read(2 * PAGE + 50, 4), new Uint8Array(4));
    m.munmap();
    h.close();
    const expected = new Uint8Array(3 * PAGE);
    expected.set(data.subarray(0, PAGE));
    expected.set(text("kept"), 50);
    expectBytes(fx.read(path), expected);
  });

  it("a view held across a shrink and a grow writes to the file again, as on Linux", () => {
    const data = pattern(3 * PAGE, 16);
    const path = fx.file(data);
    const m = space.mmapSync(path, { prot: "rw", flags: "shared" });
    const view = m.bytes;
    const h = space.openSync(path, "r+");
    h.truncate(PAGE);
    h.truncate(3 * PAGE);
    view[2 * PAGE] = 0x43;
    view[PAGE + 1] = 0x44;
    m.msync();
    const expected = new Uint8Array(3 * PAGE);
    expected.set(data.subarray(0, PAGE));
    expected[2 * PAGE] = 0x43;
    expected[PAGE + 1] = 0x44;
    expectBytes(fx.read(path), expected);
    expectBytes(m.read(), expected);
    m.munmap();
    h.close();
  });

  it("a view held across a shrink and a grow by a write past the end writes to the file again", () => {
    const data = pattern(3 * PAGE, 18);
    const path = fx.file(data);
    const m = space.mmapSync(path, { prot: "rw", flags: "shared" });
    const view = m.bytes;
    const h = space.openSync(path, "r+");
    h.truncate(PAGE);
    h.pwrite(new Uint8Array([9]), 3 * PAGE - 1);
    view[2 * PAGE] = 0x43;
    m.msync();
    const expected = new Uint8Array(3 * PAGE);
    expected.set(data.subarray(0, PAGE));
    expected[2 * PAGE] = 0x43;
    expected[3 * PAGE - 1] = 9;
    expectBytes(fx.read(path), expected);
    m.munmap();
    h.close();
  });

  it("truncate through one handle is seen by a mapping of another handle", () => {
    const data = pattern(2 * PAGE, 15);
    const path = fx.file(data);
    const m = space.mmapSync(path, { prot: "r", flags: "shared" });
    expectBytes(m.read(), data);
    const h = space.openSync(path, "r+");
    h.truncate(10);
    h.truncate(2 * PAGE);
    expectBytes(m.read(0, 10), data.subarray(0, 10));
    expectBytes(m.read(10, 2 * PAGE - 10), new Uint8Array(2 * PAGE - 10));
    h.close();
    m.munmap();
  });
});

describe("munmap of one of two aliased mappings", () => {
  it("leaves the other readable with the data, and the unmapped one refuses access", () => {
    const data = pattern(3 * PAGE, 16);
    const path = fx.file(data);
    const a = space.mmapSync(path, { prot: "rw", flags: "shared" });
    const b = space.mmapSync(path, { prot: "rw", flags: "shared" });
    const vb = b.bytes;
    a.write("written by a", PAGE + 3);
    a.munmap();
    expect(a.mapped).toBe(false);
    expectMmapError(() => a.read(0, 1), "EFAULT", "access");
    const expected = data.slice();
    expected.set(text("written by a"), PAGE + 3);
    expectBytes(b.read(), expected);
    expectBytes(vb, expected);
    // munmap wrote a's dirty page back.
    expectBytes(fx.read(path), expected);
    // b keeps working: writes and write-back.
    b.write("b after", 2 * PAGE);
    b.msync();
    expected.set(text("b after"), 2 * PAGE);
    expectBytes(fx.read(path), expected);
    b.munmap();
    expectBytes(fx.read(path), expected);
  });

  it("partial munmap of one alias leaves the other's same pages intact", () => {
    const data = pattern(4 * PAGE, 17);
    const path = fx.file(data);
    const a = space.mmapSync(path, { prot: "rw", flags: "shared" });
    const b = space.mmapSync(path, { prot: "r", flags: "shared" });
    a.write("mid", PAGE + 1);
    a.munmap(PAGE, 2 * PAGE);
    expectMmapError(() => a.read(PAGE, 1), "EFAULT", "access");
    expectBytes(a.read(0, PAGE), data.subarray(0, PAGE));
    const expected = data.slice();
    expected.set(text("mid"), PAGE + 1);
    expectBytes(b.read(), expected);
    a.munmap(0, PAGE);
    a.munmap(3 * PAGE, PAGE);
    expect(a.mapped).toBe(false);
    expectBytes(b.read(), expected);
    b.munmap();
    expectBytes(fx.read(path), expected);
  });

  it("after a partial munmap of one alias, munmap() unmaps the rest (unmapped pages are not an error)", () => {
    const data = pattern(4 * PAGE, 20);
    const path = fx.file(data);
    const a = space.mmapSync(path, { prot: "rw", flags: "shared" });
    const b = space.mmapSync(path, { prot: "r", flags: "shared" });
    a.munmap(PAGE, PAGE);
    a.write("rest", 3 * PAGE);
    a.munmap();
    expect(a.mapped).toBe(false);
    const expected = data.slice();
    expected.set(text("rest"), 3 * PAGE);
    expectBytes(fx.read(path), expected);
    expectBytes(b.read(), expected);
    b.munmap();
  });

  it("a new mapping after both were unmapped reads the file's bytes", () => {
    const data = pattern(2 * PAGE, 18);
    const path = fx.file(data);
    const a = space.mmapSync(path, { prot: "rw", flags: "shared" });
    const b = space.mmapSync(path, { prot: "rw", flags: "shared" });
    b.write("before", 0);
    a.munmap();
    b.munmap();
    const c = space.mmapSync(path, { prot: "r", flags: "shared" });
    const expected = data.slice();
    expected.set(text("before"), 0);
    expectBytes(c.read(), expected);
    c.munmap();
  });
});
