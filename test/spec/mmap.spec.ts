/**
 * mmap(2) of files and anonymous memory, as Linux defines it: sharing and
 * copy-on-write, MAP_FIXED and friends, the errno of every refused call,
 * 64-bit offsets, the end of the file, and descriptors closed while mapped.
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
  itPartly,
  mmapErrorOf,
  PAGE,
  pattern,
} from "../harness/index.js";

// Every test asserts something, on every backend: one that checks nothing fails.
beforeEach(() => expect.hasAssertions());

const enc = new TextEncoder();
const text = (s: string) => enc.encode(s);

const space = anymmap.createInstance();
/**
 * The WASM engine reads file pages itself, through host I/O it counts. The
 * native backend's pages are the kernel's page cache (a file just written is
 * resident already) and its reads are not counted: there the tests check
 * the bytes and the residency the kernel promises.
 */
const ownPaging = space.backend === "wasm";
const OWN_PAGING =
  "host I/O counters and engine residency: wasm only, the native backend's pages are the kernel's page cache";
/** Tests some of whose checks need ownPaging: those are reported skipped elsewhere, never passed. */
const itOwnPaging = itPartly(ownPaging, OWN_PAGING);

describe("MAP_SHARED and MAP_PRIVATE file mappings", () => {
  it("MAP_SHARED: a write reaches the file after msync", () => {
    const data = pattern(3 * PAGE, 1);
    const path = fx.file(data);
    const m = space.mmapSync(path, { prot: "rw", flags: "shared" });
    expectBytes(m.read(), data);
    m.write("shared write", PAGE + 100);
    m.bytes[2 * PAGE + 7] = 0xa5;
    m.msync();
    const expected = data.slice();
    expected.set(text("shared write"), PAGE + 100);
    expected[2 * PAGE + 7] = 0xa5;
    expectBytes(fx.read(path), expected);
    m.munmap();
    expectBytes(fx.read(path), expected);
  });

  itOwnPaging("MAP_PRIVATE: copy-on-write, writes never reach the file, even after msync and munmap", (checks) => {
    const data = pattern(3 * PAGE, 2);
    const path = fx.file(data);
    const m = space.mmapSync(path, { prot: "rw", flags: "private" });
    m.write("private write", 10);
    m.bytes[2 * PAGE + 1] = data[2 * PAGE + 1]! ^ 0xff;
    m.view(PAGE, PAGE, "write").fill(0x11);
    // The mapping itself sees its copy.
    expectBytes(m.read(10, 13), text("private write"));
    expectBytes(m.read(PAGE, PAGE), new Uint8Array(PAGE).fill(0x11));
    space.resetHostIO();
    m.msync();
    expectBytes(fx.read(path), data);
    m.munmap();
    expectBytes(fx.read(path), data);
    if (checks) expect(space.hostIO.writes).toBe(0);
    if (checks) expect(space.hostIO.writtenBytes).toBe(0);
  });

  it("MAP_SHARED|MAP_PRIVATE (MAP_SHARED_VALIDATE) maps shared", () => {
    const data = pattern(2 * PAGE, 3);
    const path = fx.file(data);
    const m = space.mmapSync(path, { prot: "rw", flags: "shared|private" });
    const other = space.mmapSync(path, { prot: "r", flags: "shared" });
    m.write("validate", 50);
    expectBytes(other.read(50, 8), text("validate"));
    m.msync();
    const expected = data.slice();
    expected.set(text("validate"), 50);
    expectBytes(fx.read(path), expected);
    m.munmap();
    other.munmap();
  });

  it("MAP_SHARED|MAP_PRIVATE of an 'r+' FileHandle maps shared", () => {
    const data = pattern(2 * PAGE, 25);
    const path = fx.file(data);
    const handle = space.openSync(path, "r+");
    const m = space.mmapSync(handle, { prot: "rw", flags: "shared|private" });
    const other = space.mmapSync(handle, { prot: "r", flags: "shared" });
    m.write("validate", PAGE + 3);
    expectBytes(other.read(PAGE + 3, 8), text("validate"));
    m.munmap();
    other.munmap();
    handle.close();
    const expected = data.slice();
    expected.set(text("validate"), PAGE + 3);
    expectBytes(fx.read(path), expected);
  });

  it("MAP_SHARED_VALIDATE given as a number (0x03) maps shared too", () => {
    const data = pattern(PAGE, 4);
    const path = fx.file(data);
    const m = space.mmapSync(path, {
      prot: anymmap.PROT_READ | anymmap.PROT_WRITE,
      flags: anymmap.MAP_SHARED_VALIDATE,
    });
    m.write("num", 0);
    m.munmap();
    const expected = data.slice();
    expected.set(text("num"), 0);
    expectBytes(fx.read(path), expected);
  });
});

describe("URL objects as sources, as Node's fs takes them", () => {
  /** The file: URL of a path (what Node's pathToFileURL gives for one without "%"). */
  const fileUrl = (path: string) => {
    const url = new URL("file:///");
    url.pathname = path;
    return url;
  };

  it("a file: URL maps, opens and windows the file its path names, spaces and non-ASCII names included", async () => {
    const data = pattern(2 * PAGE, 7);
    const path = fx.file(data, "url source é.bin");
    const url = fileUrl(path);
    expect(url.href).toContain("%20");
    const m = space.mmapSync(url);
    expectBytes(m.read(), data);
    m.munmap();
    const asynchronous = await space.mmap(url, { prot: "rw", flags: "shared" });
    asynchronous.write("by URL", 5);
    asynchronous.munmap();
    const expected = data.slice();
    expected.set(text("by URL"), 5);
    expectBytes(fx.read(path), expected);
    const handle = space.openSync(url);
    expect(handle.path).toBe(path);
    handle.close();
    (await space.open(url)).close();
    const windowed = space.mmapWindowedSync(url);
    expectBytes(windowed.read(PAGE, 16), expected.subarray(PAGE, PAGE + 16));
    windowed.munmap();
  });

  it("a URL naming nothing anymmap can map is EINVAL, saying why", () => {
    const ftp = mmapErrorOf(() => space.mmapSync(new URL("ftp://example.com/data.bin")));
    expect(ftp).toMatchObject({ code: "EINVAL", syscall: "mmap" });
    expect(ftp.message).toContain("file:, http: and https:");
    const remoteHost = mmapErrorOf(() => space.openSync(new URL("file://elsewhere/data.bin")));
    expect(remoteHost).toMatchObject({ code: "EINVAL", syscall: "open" });
    expect(remoteHost.message).toContain("elsewhere");
    expectMmapError(() => space.mmapSync(new URL("file:///a%2Fb")), "EINVAL", "mmap");
    // A NUL smuggled in as %00 is refused as in a string path.
    expectMmapError(() => space.openSync(new URL("file:///tmp/secret%00.public")), "EINVAL", "open");
  });
});

describe("anonymous mappings", () => {
  for (const flags of ["shared", "private"] as const) {
    it(`MAP_ANONYMOUS|MAP_${flags.toUpperCase()} is zero-filled and writable`, () => {
      const length = 5 * PAGE + 123;
      const m = space.mmapSync(null, { length, prot: "rw", flags });
      expect(m.length).toBe(length);
      expectBytes(m.read(), new Uint8Array(length));
      const data = pattern(length, 5);
      m.write(data);
      expectBytes(m.read(), data);
      const raw = m.bytes;
      raw[4 * PAGE] = 0x42;
      expectBytes(m.read(4 * PAGE, 1), new Uint8Array([0x42]));
      m.munmap();
    });
  }

  it("two anonymous mappings are distinct memory", () => {
    const a = space.mmapSync(null, { length: 2 * PAGE, prot: "rw" });
    const b = space.mmapSync(null, { length: 2 * PAGE, prot: "rw" });
    a.write(pattern(2 * PAGE, 6));
    expectBytes(b.read(), new Uint8Array(2 * PAGE));
    a.munmap();
    b.munmap();
  });
});

describe("MAP_FIXED and MAP_FIXED_NOREPLACE", () => {
  it("MAP_FIXED replaces exactly the covered pages of an existing mapping", () => {
    const m = space.mmapSync(null, { length: 4 * PAGE, prot: "rw", flags: "private" });
    for (let i = 0; i < 4; i++) m.write(new Uint8Array(PAGE).fill(0x10 + i), i * PAGE);
    const f = space.mmapSync(null, {
      length: 2 * PAGE,
      prot: "rw",
      flags: "private|fixed",
      address: m.address + PAGE,
    });
    expect(f.address).toBe(m.address + PAGE);
    expectBytes(f.read(), new Uint8Array(2 * PAGE));
    expectBytes(m.read(0, PAGE), new Uint8Array(PAGE).fill(0x10));
    expectBytes(m.read(3 * PAGE, PAGE), new Uint8Array(PAGE).fill(0x13));
    // The new pages are writable and independent of the old content.
    f.write(new Uint8Array(2 * PAGE).fill(0x77));
    expectBytes(m.read(0, PAGE), new Uint8Array(PAGE).fill(0x10));
    expectBytes(m.read(3 * PAGE, PAGE), new Uint8Array(PAGE).fill(0x13));
    f.munmap();
    m.munmap(0, PAGE);
    m.munmap(3 * PAGE, PAGE);
  });

  it("an address hint past the end of the address space is ignored, as Linux does", () => {
    // 2^32 is past the WASM engine's 4 GiB; 2^48 and 2^52 past Linux x86-64's user space too.
    for (const address of [...(anymmap.backend === "wasm" ? [2 ** 32] : []), 2 ** 48, 2 ** 52]) {
      const m = space.mmapSync(null, { length: PAGE, prot: "rw", address });
      m.write("hinted", 0);
      expect(new TextDecoder().decode(m.read(0, 6))).toBe("hinted");
      expect(m.address).toBeLessThan(address);
      m.munmap();
    }
  });

  it("MAP_FIXED over a file mapping replaces its pages; the file keeps its bytes", () => {
    const data = pattern(3 * PAGE, 7);
    const path = fx.file(data);
    const m = space.mmapSync(path, { prot: "rw", flags: "shared" });
    const f = space.mmapSync(null, { length: PAGE, prot: "rw", flags: "private|fixed", address: m.address + PAGE });
    expectBytes(f.read(), new Uint8Array(PAGE));
    f.write(new Uint8Array(PAGE).fill(0xee));
    expectBytes(m.read(0, PAGE), data.subarray(0, PAGE));
    expectBytes(m.read(2 * PAGE, PAGE), data.subarray(2 * PAGE));
    m.msync("sync", 0, PAGE);
    m.msync("sync", 2 * PAGE, PAGE);
    expectBytes(fx.read(path), data);
    f.munmap();
    m.munmap(0, PAGE);
    m.munmap(2 * PAGE, PAGE);
  });

  it("MAP_FIXED_NOREPLACE over a live mapping fails with EEXIST and leaves it intact", () => {
    const m = space.mmapSync(null, { length: 3 * PAGE, prot: "rw" });
    m.write(new Uint8Array(3 * PAGE).fill(0x5a));
    expectMmapError(
      () =>
        space.mmapSync(null, { length: PAGE, prot: "rw", flags: "private|fixed_noreplace", address: m.address + PAGE }),
      "EEXIST",
      "mmap",
    );
    expectBytes(m.read(), new Uint8Array(3 * PAGE).fill(0x5a));
    m.munmap();
  });

  it("MAP_FIXED_NOREPLACE on free pages maps there", () => {
    const m = space.mmapSync(null, { length: 3 * PAGE, prot: "rw" });
    const at = m.address + PAGE;
    m.munmap(PAGE, PAGE);
    const f = space.mmapSync(null, { length: PAGE, prot: "rw", flags: "private|fixed_noreplace", address: at });
    expect(f.address).toBe(at);
    expectBytes(f.read(), new Uint8Array(PAGE));
    f.munmap();
    m.munmap(0, PAGE);
    m.munmap(2 * PAGE, PAGE);
  });
});

describe("MAP_POPULATE", () => {
  itOwnPaging("loads the pages up front: host reads happen in mmap, none on access", (checks) => {
    const data = pattern(16 * PAGE, 8);
    const path = fx.file(data);
    const handle = space.openSync(path, "r");
    space.resetHostIO();
    const m = space.mmapSync(handle, { prot: "r", flags: "shared|populate" });
    if (checks) expect(space.hostIO.reads).toBeGreaterThan(0);
    if (checks) expect(space.hostIO.readBytes).toBeGreaterThanOrEqual(data.length);
    const readsAfterMmap = space.hostIO.reads;
    expectBytes(m.read(), data);
    if (checks) expect(space.hostIO.reads).toBe(readsAfterMmap);
    expect(Array.from(m.mincore())).toEqual(new Array(16).fill(1));
    m.munmap();
    handle.close();
  });

  // Counters and engine residency only: skipped, with the reason, where the backend pages with the kernel.
  it.skipIf(!ownPaging)(
    `a mapping without MAP_POPULATE reads nothing in mmap (the control)${ownPaging ? "" : ` (${OWN_PAGING})`}`,
    () => {
      const path = fx.file(pattern(16 * PAGE, 9));
      const handle = space.openSync(path, "r");
      space.resetHostIO();
      const m = space.mmapSync(handle, { prot: "r", flags: "shared" });
      expect(space.hostIO.reads).toBe(0);
      expect(Array.from(m.mincore())).toEqual(new Array(16).fill(0));
      m.munmap();
      handle.close();
    },
  );
});

describe("mmap errors, as Linux reports them", () => {
  const path = fx.file(pattern(2 * PAGE, 10));

  it("length 0 → EINVAL", () => {
    expectMmapError(() => space.mmapSync(path, { length: 0 }), "EINVAL", "mmap");
    expectMmapError(() => space.mmapSync(null, { length: 0, prot: "rw" }), "EINVAL", "mmap");
  });

  it("offset not page-aligned → EINVAL", () => {
    expectMmapError(() => space.mmapSync(path, { offset: 100, length: PAGE }), "EINVAL", "mmap");
    expectMmapError(() => space.mmapSync(path, { offset: PAGE + 1, length: PAGE }), "EINVAL", "mmap");
  });

  it("neither MAP_SHARED nor MAP_PRIVATE → EINVAL", () => {
    expectMmapError(() => space.mmapSync(path, { flags: 0, length: PAGE }), "EINVAL", "mmap");
    expectMmapError(() => space.mmapSync(path, { flags: "fixed", length: PAGE }), "EINVAL", "mmap");
    expectMmapError(() => space.mmapSync(null, { flags: 0, length: PAGE, prot: "rw" }), "EINVAL", "mmap");
    expectMmapError(() => space.mmapSync(null, { flags: "fixed", length: PAGE, prot: "rw" }), "EINVAL", "mmap");
  });

  it("closed FileHandle → EBADF", () => {
    const handle = space.openSync(path, "r+");
    handle.close();
    expect(handle.closed).toBe(true);
    expectMmapError(() => space.mmapSync(handle, { length: PAGE }), "EBADF", "mmap");
    expectMmapError(() => space.mmapSync(handle, { length: PAGE, prot: "rw", flags: "private" }), "EBADF", "mmap");
  });

  it("await mmap(handle) maps within the call: closing the handle before awaiting leaves the mapping", async () => {
    const data = pattern(PAGE, 3);
    const file = fx.file(data, "mmap-then-close");
    const handle = space.openSync(file, "r");
    const pending = space.mmap(handle, { prot: "r", flags: "shared" });
    handle.close();
    const m = await pending;
    expectBytes(m.read(), data);
    m.munmap();
  });

  it("PROT_WRITE + MAP_SHARED of a handle opened read-only → EACCES", () => {
    const handle = space.openSync(path, "r");
    expectMmapError(() => space.mmapSync(handle, { prot: "rw", flags: "shared" }), "EACCES", "mmap");
    expectMmapError(() => space.mmapSync(handle, { prot: "w", flags: "shared" }), "EACCES", "mmap");
    // Read-only shared is fine.
    const m = space.mmapSync(handle, { prot: "r", flags: "shared" });
    expectBytes(m.read(0, 16), pattern(2 * PAGE, 10).subarray(0, 16));
    m.munmap();
    handle.close();
  });

  it("any mapping of a handle opened write-only ('w') → EACCES", () => {
    const wpath = fx.file(pattern(PAGE, 11));
    const handle = space.openSync(wpath, "w");
    for (const [prot, flags] of [
      ["r", "shared"],
      ["rw", "shared"],
      ["r", "private"],
      ["rw", "private"],
    ] as const) {
      expectMmapError(() => space.mmapSync(handle, { prot, flags, length: PAGE }), "EACCES", "mmap");
    }
    handle.close();
  });

  it("MAP_PRIVATE + PROT_WRITE of a read-only handle succeeds and its writes stay private", () => {
    const data = pattern(2 * PAGE, 12);
    const rpath = fx.file(data);
    const handle = space.openSync(rpath, "r");
    const m = space.mmapSync(handle, { prot: "rw", flags: "private" });
    m.write("mine only", 0);
    m.bytes[PAGE + 3] = data[PAGE + 3]! ^ 0x01;
    expectBytes(m.read(0, 9), text("mine only"));
    m.msync();
    m.munmap();
    handle.close();
    expectBytes(fx.read(rpath), data);
  });

  it("a directory → ENODEV", () => {
    const dir = fx.dir();
    const handle = space.openSync(dir, "r");
    expectMmapError(() => space.mmapSync(handle, { prot: "r", flags: "shared", length: PAGE }), "ENODEV", "mmap");
    expectMmapError(() => space.mmapSync(handle, { prot: "r", flags: "private", length: PAGE }), "ENODEV", "mmap");
    handle.close();
  });

  it("errors carry Linux's errno numbers", () => {
    const e = mmapErrorOf(() => space.mmapSync(path, { length: 0 }));
    expect(e.errno).toBe(22);
    const handle = space.openSync(path, "r");
    const f = mmapErrorOf(() => space.mmapSync(handle, { prot: "rw", flags: "shared" }));
    expect(f.errno).toBe(13);
    handle.close();
  });
});

describe("64-bit file offsets", () => {
  it("maps a window at 5 GiB into a sparse file and reads the bytes there", () => {
    const FIVE_GIB = 5 * 2 ** 30;
    const path = fx.sparse(FIVE_GIB + 2 * PAGE);
    const marker = pattern(300, 13);
    fx.writeAt(path, FIVE_GIB, marker);
    fx.writeAt(path, FIVE_GIB + PAGE + 10, "second page");
    const m = space.mmapSync(path, { prot: "r", flags: "shared", offset: FIVE_GIB, length: 2 * PAGE });
    expect(m.offset).toBe(FIVE_GIB);
    expectBytes(m.read(0, 300), marker);
    expectBytes(m.read(300, PAGE - 300), new Uint8Array(PAGE - 300));
    expectBytes(m.read(PAGE + 10, 11), text("second page"));
    m.munmap();
  });

  it("handle.pwrite at 5 GiB is read back through a mapping, and mapping writes land at 5 GiB", () => {
    const FIVE_GIB = 5 * 2 ** 30;
    const path = fx.sparse(FIVE_GIB + 2 * PAGE);
    const handle = space.openSync(path, "r+");
    const marker = pattern(100, 14);
    expect(handle.pwrite(marker, FIVE_GIB + 8)).toBe(100);
    const m = space.mmapSync(handle, { prot: "rw", flags: "shared", offset: FIVE_GIB });
    expect(m.length).toBe(2 * PAGE);
    expectBytes(m.read(8, 100), marker);
    m.write("from the mapping", PAGE + 1);
    m.msync();
    expectBytes(fx.readRange(path, FIVE_GIB + PAGE + 1, 16), text("from the mapping"));
    expectBytes(fx.readRange(path, FIVE_GIB + 8, 100), marker);
    // Nothing leaked to offset (5 GiB mod 4 GiB) = 1 GiB, where a 32-bit offset would put it.
    expectBytes(fx.readRange(path, 2 ** 30, 2 * PAGE), new Uint8Array(2 * PAGE));
    expect(fx.size(path)).toBe(FIVE_GIB + 2 * PAGE);
    m.munmap();
    handle.close();
  });
});

describe("mapping past the end of the file", () => {
  const SIZE = PAGE + 904; // 5000 bytes: page 1 is partial

  it("bytes after EOF in the last page read as zero", () => {
    const data = pattern(SIZE, 15);
    const path = fx.file(data);
    const m = space.mmapSync(path, { prot: "r", flags: "shared", length: 2 * PAGE });
    expectBytes(m.read(0, SIZE), data);
    expectBytes(m.read(SIZE, 2 * PAGE - SIZE), new Uint8Array(2 * PAGE - SIZE));
    const p = space.mmapSync(path, { prot: "r", flags: "private", length: 2 * PAGE });
    expectBytes(p.read(SIZE, 2 * PAGE - SIZE), new Uint8Array(2 * PAGE - SIZE));
    m.munmap();
    p.munmap();
  });

  it("writes after EOF (API and raw view) never reach the file nor change its size, after msync and munmap", () => {
    const data = pattern(SIZE, 16);
    const path = fx.file(data);
    const m = space.mmapSync(path, { prot: "rw", flags: "shared", length: 2 * PAGE });
    m.write("beyond the end", SIZE);
    const raw = m.view(0, 2 * PAGE);
    raw[2 * PAGE - 1] = 0x99;
    raw[SIZE + 500] = 0x98;
    const rawWrite = m.view(PAGE, PAGE, "write");
    rawWrite[PAGE - 2] = 0x97;
    // A write inside the file in the same page does reach it.
    m.write("in", SIZE - 2);
    m.msync();
    const expected = data.slice();
    expected.set(text("in"), SIZE - 2);
    expect(fx.size(path)).toBe(SIZE);
    expectBytes(fx.read(path), expected);
    m.munmap();
    expect(fx.size(path)).toBe(SIZE);
    expectBytes(fx.read(path), expected);
  });

  it("pages wholly past EOF fault with EFAULT (SIGBUS on Linux)", () => {
    const data = pattern(SIZE, 17);
    const path = fx.file(data);
    const m = space.mmapSync(path, { prot: "rw", flags: "shared", length: 4 * PAGE });
    expectBytes(m.read(0, SIZE), data);
    expectMmapError(() => m.read(2 * PAGE, 1), "EFAULT", "access");
    expectMmapError(() => m.view(3 * PAGE, PAGE), "EFAULT", "access");
    expectMmapError(() => m.write("x", 2 * PAGE + 5), "EFAULT", "access");
    expectMmapError(() => m.bytes, "EFAULT", "access");
    expectMmapError(() => m.view(PAGE, 2 * PAGE), "EFAULT", "access");
    // The file was not grown by the attempts.
    expect(fx.size(path)).toBe(SIZE);
    m.munmap();
    expectBytes(fx.read(path), data);
  });

  it("growing the file with handle.truncate makes the new bytes readable (zeros) and writable", () => {
    const data = pattern(SIZE, 18);
    const path = fx.file(data);
    const handle = space.openSync(path, "r+");
    const m = space.mmapSync(handle, { prot: "rw", flags: "shared", length: 4 * PAGE });
    expectBytes(m.read(0, SIZE), data);
    expectMmapError(() => m.read(2 * PAGE, PAGE), "EFAULT", "access");
    handle.truncate(3 * PAGE + 100);
    expectBytes(m.read(0, SIZE), data);
    expectBytes(m.read(SIZE, 3 * PAGE + 100 - SIZE), new Uint8Array(3 * PAGE + 100 - SIZE));
    // Page 3 is partly in the file now: readable, zeros past the new end.
    expectBytes(m.read(3 * PAGE, PAGE), new Uint8Array(PAGE));
    m.write("grown", 2 * PAGE + 10);
    m.write("tail", 3 * PAGE + 50);
    m.bytes[SIZE + 1] = 0x33;
    m.msync();
    const expected = new Uint8Array(3 * PAGE + 100);
    expected.set(data);
    expected.set(text("grown"), 2 * PAGE + 10);
    expected.set(text("tail"), 3 * PAGE + 50);
    expected[SIZE + 1] = 0x33;
    expect(fx.size(path)).toBe(3 * PAGE + 100);
    expectBytes(fx.read(path), expected);
    m.munmap();
    handle.close();
    expectBytes(fx.read(path), expected);
  });

  it("a file grown by someone else becomes readable through the mapping", () => {
    const data = pattern(SIZE, 19);
    const path = fx.file(data);
    const m = space.mmapSync(path, { prot: "r", flags: "shared", length: 3 * PAGE });
    expectMmapError(() => m.read(2 * PAGE, 1), "EFAULT", "access");
    fx.writeAt(path, 2 * PAGE, "appended");
    expectBytes(m.read(2 * PAGE, 8), text("appended"));
    m.munmap();
  });
});

describe("closing the descriptor does not unmap", () => {
  it("writes after close reach the file on msync, also when the fd number is reused", () => {
    const data = pattern(2 * PAGE, 20);
    const path = fx.file(data);
    const otherData = pattern(2 * PAGE, 21);
    const other = fx.file(otherData);
    const handle = space.openSync(path, "r+");
    const fd = handle.fd;
    const m = space.mmapSync(handle, { prot: "rw", flags: "shared" });
    handle.close();
    expect(handle.closed).toBe(true);
    expect(m.mapped).toBe(true);
    expectBytes(m.read(), data);
    m.write("after close", 0);
    m.msync();
    const expected = data.slice();
    expected.set(text("after close"), 0);
    expectBytes(fx.read(path), expected);

    // open(2) returns the lowest free number: the one just closed. The
    // mapping must not follow the number to the other file.
    const second = space.openSync(other, "r+");
    expect(second.fd).toBe(fd);
    m.write("still the first file", PAGE);
    m.bytes[2 * PAGE - 1] = 0xfe;
    m.msync();
    expected.set(text("still the first file"), PAGE);
    expected[2 * PAGE - 1] = 0xfe;
    expectBytes(fx.read(path), expected);
    expectBytes(fx.read(other), otherData);
    // I/O through the new handle is the other file's, not the mapping's.
    const buf = new Uint8Array(2 * PAGE);
    expect(second.pread(buf, 0)).toBe(2 * PAGE);
    expectBytes(buf, otherData);

    m.write("on munmap", 100);
    m.munmap();
    expected.set(text("on munmap"), 100);
    expectBytes(fx.read(path), expected);
    expectBytes(fx.read(other), otherData);
    second.close();
  });

  it("a path mapping keeps working after mmap closed its own descriptor", () => {
    const data = pattern(PAGE, 22);
    const path = fx.file(data);
    const m = space.mmapSync(path, { prot: "rw", flags: "shared" });
    // Open and close some other files so that descriptor numbers churn.
    for (let i = 0; i < 3; i++) space.openSync(fx.file(pattern(PAGE, 100 + i)), "r+").close();
    const bystander = fx.file(pattern(PAGE, 23));
    const h = space.openSync(bystander, "r+");
    m.write("path mapping", 0);
    m.munmap();
    h.close();
    const expected = data.slice();
    expected.set(text("path mapping"), 0);
    expectBytes(fx.read(path), expected);
    expectBytes(fx.read(bystander), pattern(PAGE, 23));
  });
});

describe("async entry points", () => {
  it("await mmap / open behave as the sync forms", async () => {
    const s = anymmap.createInstance();
    const data = pattern(PAGE, 24);
    const path = fx.file(data);
    const handle = await s.open(path, "r+");
    const m = await s.mmap(handle, { prot: "rw", flags: "shared" });
    m.write("async", 0);
    m.munmap();
    handle.close();
    const expected = data.slice();
    expected.set(text("async"), 0);
    expectBytes(fx.read(path), expected);
    let err: unknown;
    try {
      await s.mmap(path, { length: 0 });
    } catch (e) {
      err = e;
    }
    expect(anymmap.isMmapError(err)).toBe(true);
    expect((err as anymmap.MmapError).code).toBe("EINVAL");
  });
});
