/**
 * Host I/O failures injected at the host-file layer: an AnymmapInstance over
 * a test RuntimeAdapter whose files wrap NodeHostFile and can be told to fail
 * (EIO on pread, EIO/ENOSPC on pwrite, datasync failures) or to do short
 * reads and writes. Errors must reach the caller as MmapError with the right
 * code and syscall; dirty pages that could not be written stay dirty; bytes on
 * disk are only ever changed by writes that succeeded; short I/O still gives
 * the right bytes.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

import type { Mapping, OpenFlags } from "../src/core/contract/api.js";
import { AnymmapInstance, type RuntimeAdapter } from "../src/core/address-space/anymmap.js";
import { WASI_ERRNO } from "../src/abi/errno.js";
import { mapNodeError } from "../src/runtime/node-fs/map-error.js";
import { NodeHostFile } from "../src/runtime/node-fs/node-file.js";
import { HostFile, type HostFileStat } from "../src/wasi/host-file.js";
import { assertions, pattern } from "./harness/helpers.js";

const PAGE = 4096;

/** What the files of one path do wrong; every field off by default. */
class Faults {
  /** pread at [offset, offset+length): a WASI errno to fail with, or 0. */
  readFail: ((offset: number, length: number) => number) | null = null;
  /** pwrite at [offset, offset+length), the n-th pwrite call (from 0): a WASI errno to fail with, or 0. */
  writeFail: ((offset: number, length: number, call: number) => number) | null = null;
  datasyncFail = 0;
  syncFail = 0;
  /** At most this many bytes per pread/pwrite call (short reads and writes). */
  maxRead = Infinity;
  maxWrite = Infinity;
  /** pwrite calls so far, and the ranges that reached the file. */
  writeCalls = 0;
  written: Array<[number, number]> = [];
  readCalls = 0;

  reset(): void {
    this.readFail = this.writeFail = null;
    this.datasyncFail = this.syncFail = 0;
    this.maxRead = this.maxWrite = Infinity;
    this.writeCalls = this.readCalls = 0;
    this.written = [];
  }
}

const faultsByPath = new Map<string, Faults>();
function faults(p: string): Faults {
  let f = faultsByPath.get(p);
  if (!f) faultsByPath.set(p, (f = new Faults()));
  return f;
}

/** A NodeHostFile that fails on command. */
class FaultyFile extends HostFile {
  constructor(
    private readonly inner: NodeHostFile,
    private readonly faults: Faults,
  ) {
    super({ readable: inner.readable, writable: inner.writable, append: inner.append, path: inner.path! });
  }

  override pread(dst: Uint8Array, offset: number): number {
    const f = this.faults;
    f.readCalls++;
    const err = f.readFail?.(offset, dst.length) ?? 0;
    if (err) return -err;
    return this.inner.pread(dst.subarray(0, Math.min(dst.length, f.maxRead)), offset);
  }

  override pwrite(src: Uint8Array, offset: number): number {
    const f = this.faults;
    const call = f.writeCalls++;
    const err = f.writeFail?.(offset, src.length, call) ?? 0;
    if (err) return -err;
    const n = this.inner.pwrite(src.subarray(0, Math.min(src.length, f.maxWrite)), offset);
    if (n > 0) f.written.push([offset, offset + n]);
    return n;
  }

  override stat(): HostFileStat | number {
    return this.inner.stat();
  }

  override truncate(size: number): number {
    return this.inner.truncate(size);
  }

  override sync(): number {
    return this.faults.syncFail ? -this.faults.syncFail : this.inner.sync();
  }

  override datasync(): number {
    return this.faults.datasyncFail ? -this.faults.datasyncFail : this.inner.datasync();
  }

  override close(): number {
    return this.inner.close();
  }
}

const wasm = new WebAssembly.Module(fs.readFileSync(new URL("../wasm/anymmap.wasm", import.meta.url)));

const adapter: RuntimeAdapter = {
  runtime: "node (fault injection)",
  version: "test",
  openFile: (p: string, flags: OpenFlags, mode?: number) =>
    new FaultyFile(NodeHostFile.open(p, flags, mode), faults(p)),
  mapError: mapNodeError,
  compileSync: () => wasm,
  compile: async () => wasm,
};

const space = new AnymmapInstance(adapter);

const root = fs.mkdtempSync(path.join(os.tmpdir(), "anymmap-faults-"));
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});
let counter = 0;

/** A new file with these bytes; its faults start cleared. */
function file(bytes: Uint8Array): string {
  const p = path.join(root, `${counter++}.bin`);
  fs.writeFileSync(p, bytes);
  faults(p).reset();
  return p;
}

const disk = (p: string) => new Uint8Array(fs.readFileSync(p));

const { expectBytes, expectMmapError } = assertions(expect);

/**
 * The file now holds `before` except where a host write succeeded, and there
 * it holds `after` (the mapping's bytes): nothing else was touched.
 */
function expectOnlySuccessfulWrites(
  p: string,
  before: Uint8Array,
  after: Uint8Array,
  written: Array<[number, number]>,
): void {
  const now = disk(p);
  expect(now.length).toBe(before.length);
  const expected = before.slice();
  for (const [a, b] of written) expected.set(after.subarray(a, b), a);
  expectBytes(now, expected, "file after a failed write-back");
}

/** Three scattered dirty pages (0, 2, 4) of a 6-page shared mapping: three separate host writes. */
function dirtyScattered(seed: number): { p: string; m: Mapping; data: Uint8Array; expected: Uint8Array } {
  const data = pattern(6 * PAGE, seed);
  const p = file(data);
  const m = space.mmapSync(p, { prot: "rw", flags: "shared" });
  const expected = data.slice();
  for (const page of [0, 2, 4]) {
    const bytes = pattern(PAGE, seed * 10 + page);
    m.write(bytes, page * PAGE);
    expected.set(bytes, page * PAGE);
  }
  return { p, m, data, expected };
}

const EIO = WASI_ERRNO.EIO;
const ENOSPC = WASI_ERRNO.ENOSPC;

describe("page-in failures (EIO on pread)", () => {
  for (const flags of ["shared", "private"] as const) {
    it(`${flags}: view, read, write and bytes throw EIO (access); nothing is resident; the bytes are right once the fault clears`, () => {
      const data = pattern(3 * PAGE, 1);
      const p = file(data);
      const f = faults(p);
      const m = space.mmapSync(p, { prot: "rw", flags });
      f.readFail = () => EIO;
      expectMmapError(() => m.view(0, 10), "EIO", "access");
      expectMmapError(() => m.read(PAGE, 10), "EIO", "access");
      expectMmapError(() => m.write("x", 2 * PAGE), "EIO", "access");
      expectMmapError(() => m.view(0, 10, "write"), "EIO", "access");
      expectMmapError(() => m.bytes, "EIO", "access");
      expect(Array.from(m.mincore())).toEqual([0, 0, 0]);
      expect(f.readCalls).toBeGreaterThan(0);
      f.readFail = null;
      expectBytes(m.read(), data);
      m.munmap();
      expectBytes(disk(p), data, "file");
    });
  }

  it("a short read followed by EIO: the partly read page is not kept, and is read whole later", () => {
    const data = pattern(2 * PAGE, 2);
    const p = file(data);
    const f = faults(p);
    const m = space.mmapSync(p, { prot: "r", flags: "shared" });
    f.maxRead = 1000;
    f.readFail = (offset) => (offset >= 1000 ? EIO : 0);
    expectMmapError(() => m.read(0, 10), "EIO", "access");
    expect(m.mincore()[0]).toBe(0);
    f.readFail = null;
    expectBytes(m.read(), data);
    m.munmap();
  });

  it("EIO during read-ahead does not fail the access that asked for one page; the other pages fail and recover on their own", () => {
    const data = pattern(8 * PAGE, 3);
    const p = file(data);
    const f = faults(p);
    const m = space.mmapSync(p, { prot: "r", flags: "private" });
    f.readFail = (offset, length) => (offset + length > PAGE ? EIO : 0);
    expectBytes(m.read(0, PAGE), data.subarray(0, PAGE));
    expectMmapError(() => m.read(5 * PAGE, 1), "EIO", "access");
    f.readFail = null;
    expectBytes(m.read(), data);
    m.munmap();
  });

  it("msync(invalidate) that cannot re-read a clean page gives EIO (msync) and leaves the pages as they were, resident", () => {
    const data = pattern(2 * PAGE, 4);
    const p = file(data);
    const f = faults(p);
    const m = space.mmapSync(p, { prot: "rw", flags: "shared" });
    expectBytes(m.read(), data);
    f.readFail = () => EIO;
    expectMmapError(() => m.msync("invalidate"), "EIO", "msync");
    // Nothing was dropped: no read is needed to see the bytes again (C code reads them without a fault).
    expect(Array.from(m.mincore())).toEqual([1, 1]);
    expectBytes(m.read(), data);
    f.readFail = null;
    expectBytes(m.read(), data);
    m.munmap();
    expectBytes(disk(p), data, "file");
  });

  it("FileHandle.pread with EIO throws EIO (pread)", () => {
    const p = file(pattern(PAGE, 5));
    const h = space.openSync(p, "r");
    faults(p).readFail = () => EIO;
    expectMmapError(() => h.pread(new Uint8Array(10), 0), "EIO", "pread");
    faults(p).readFail = null;
    h.close();
  });
});

describe("write-back failures (pwrite)", () => {
  for (const [code, errno] of [
    ["EIO", EIO],
    ["ENOSPC", ENOSPC],
  ] as const) {
    it(`msync: the second of three page writes fails with ${code} → ${code} (msync); only the first reached the file; a later msync writes the rest`, () => {
      const { p, m, data, expected } = dirtyScattered(code === "EIO" ? 6 : 7);
      const f = faults(p);
      f.writeFail = (_o, _l, call) => (call === 1 ? errno : 0);
      expectMmapError(() => m.msync("sync"), code, "msync");
      expect(f.written.length).toBe(1);
      expectOnlySuccessfulWrites(p, data, expected, f.written);
      // Every write fails now: the file must not change at all, the pages stay dirty.
      const mid = disk(p);
      f.writeFail = () => errno;
      f.written = [];
      expectMmapError(() => m.msync("async"), code, "msync");
      expectBytes(disk(p), mid, "file after a write-back that failed at once");
      expectBytes(m.read(), expected, "mapping after failed write-backs");
      f.writeFail = null;
      m.msync("sync");
      expectBytes(disk(p), expected, "file after a successful msync");
      m.munmap();
      expectBytes(disk(p), expected, "file after munmap");
    });
  }

  it("munmap with dirty pages and failing writes → EIO (munmap); the mapping stays mapped and intact; a retry unmaps and writes", () => {
    const { p, m, data, expected } = dirtyScattered(8);
    const f = faults(p);
    const mappings = space.info().mappings;
    f.writeFail = () => EIO;
    expectMmapError(() => m.munmap(), "EIO", "munmap");
    expect(m.mapped).toBe(true);
    expect(space.info().mappings).toBe(mappings);
    expectBytes(m.read(), expected, "mapping after a failed munmap");
    expectBytes(disk(p), data, "file after a failed munmap");
    // Partial munmap of a dirty page, and the address-level call: the same.
    expectMmapError(() => m.munmap(2 * PAGE, PAGE), "EIO", "munmap");
    expectMmapError(() => space.munmap(m.address + 4 * PAGE, 2 * PAGE), "EIO", "munmap");
    expectBytes(m.read(), expected, "mapping after failed partial munmaps");
    m.write("still writable", 3 * PAGE);
    expected.set(new TextEncoder().encode("still writable"), 3 * PAGE);
    expectBytes(disk(p), data, "file after failed partial munmaps");
    f.writeFail = null;
    m.munmap();
    expect(m.mapped).toBe(false);
    expectBytes(disk(p), expected, "file after munmap");
  });

  it("munmap where the second write fails: the first page reached the file; the retry writes the rest", () => {
    const { p, m, data, expected } = dirtyScattered(9);
    const f = faults(p);
    f.writeFail = (_o, _l, call) => (call === 1 ? ENOSPC : 0);
    expectMmapError(() => m.munmap(), "ENOSPC", "munmap");
    expect(m.mapped).toBe(true);
    expectOnlySuccessfulWrites(p, data, expected, f.written);
    expectBytes(m.read(), expected, "mapping after a failed munmap");
    f.writeFail = null;
    m.munmap();
    expectBytes(disk(p), expected, "file after munmap");
  });

  // Every segment is written back before any is unmapped (src/core/address-space/mapping.ts munmap).
  it("munmap() of a mapping with a hole, failing on its second segment, leaves the first mapped too", () => {
    const data = pattern(4 * PAGE, 18);
    const p = file(data);
    const f = faults(p);
    const m = space.mmapSync(p, { prot: "rw", flags: "shared" });
    try {
      m.write("head", 0);
      m.write("tail", 3 * PAGE);
      m.munmap(PAGE, 2 * PAGE); // segments: page 0 and page 3
      f.writeFail = (offset) => (offset >= 3 * PAGE ? EIO : 0);
      expectMmapError(() => m.munmap(), "EIO", "munmap");
      expect(m.mapped).toBe(true);
      expect(new TextDecoder().decode(m.read(0, 4))).toBe("head"); // EFAULT today: page 0 was unmapped
      expect(new TextDecoder().decode(m.read(3 * PAGE, 4))).toBe("tail");
    } finally {
      f.writeFail = null;
      m.munmap();
    }
    const expected = data.slice();
    expected.set(new TextEncoder().encode("head"), 0);
    expected.set(new TextEncoder().encode("tail"), 3 * PAGE);
    expectBytes(disk(p), expected, "file after munmap");
  });

  it("mremap shrink over dirty pages with failing writes → EIO (mremap); the mapping is unchanged", () => {
    const { p, m, data, expected } = dirtyScattered(10);
    const f = faults(p);
    f.writeFail = () => EIO;
    expectMmapError(() => m.mremap(PAGE), "EIO", "mremap");
    expect(m.length).toBe(6 * PAGE);
    expectBytes(m.read(), expected, "mapping after a failed mremap");
    expectBytes(disk(p), data, "file after a failed mremap");
    f.writeFail = null;
    m.mremap(PAGE);
    expectBytes(disk(p).subarray(PAGE), expected.subarray(PAGE), "pages cut by mremap are written back");
    m.munmap();
    expectBytes(disk(p), expected, "file after munmap");
  });

  it("truncate with dirty pages and failing writes → EIO (ftruncate); the size and the dirty bytes are kept", () => {
    const { p, m, data, expected } = dirtyScattered(11);
    const f = faults(p);
    const h = space.openSync(p, "r+");
    f.writeFail = () => EIO;
    expectMmapError(() => h.truncate(PAGE), "EIO", "ftruncate");
    expect(fs.statSync(p).size).toBe(6 * PAGE);
    expectBytes(m.read(), expected, "mapping after a failed truncate");
    expectBytes(disk(p), data, "file after a failed truncate");
    f.writeFail = null;
    m.munmap();
    h.close();
    expectBytes(disk(p), expected, "file after munmap");
  });

  it("a short write followed by ENOSPC: the bytes written stay, nothing else changes, the page stays dirty", () => {
    const data = pattern(3 * PAGE, 12);
    const p = file(data);
    const f = faults(p);
    const m = space.mmapSync(p, { prot: "rw", flags: "shared" });
    // Every byte differs, so each page is one run of changed bytes (write-back writes only changed bytes).
    const bytes = data.map((x) => x ^ 0xff);
    m.write(bytes, 0);
    f.maxWrite = 1500;
    f.writeFail = (_o, _l, call) => (call === 2 ? ENOSPC : 0);
    expectMmapError(() => m.msync(), "ENOSPC", "msync");
    expect(f.written).toEqual([
      [0, 1500],
      [1500, 3000],
    ]);
    expectOnlySuccessfulWrites(p, data, bytes, f.written);
    f.writeFail = null;
    m.msync();
    expectBytes(disk(p), bytes, "file after a successful msync");
    m.munmap();
  });

  it("FileHandle.pwrite failing with EIO throws EIO (pwrite): neither the file nor a shared mapping shows the bytes", () => {
    const data = pattern(2 * PAGE, 14);
    const p = file(data);
    const m = space.mmapSync(p, { prot: "rw", flags: "shared" });
    expectBytes(m.read(), data);
    const h = space.openSync(p, "r+");
    faults(p).writeFail = () => EIO;
    expectMmapError(() => h.pwrite(new Uint8Array(100).fill(7), 50), "EIO", "pwrite");
    expectBytes(m.read(), data, "mapping after a failed pwrite");
    faults(p).writeFail = null;
    m.munmap();
    h.close();
    expectBytes(disk(p), data, "file after a failed pwrite");
  });
});

describe("datasync failures", () => {
  it("msync(sync) with a failing datasync → EIO (msync); msync(async) does not sync; the retry succeeds and the bytes are there", () => {
    const data = pattern(2 * PAGE, 15);
    const p = file(data);
    const f = faults(p);
    const m = space.mmapSync(p, { prot: "rw", flags: "shared" });
    const bytes = pattern(2 * PAGE, 16);
    m.write(bytes, 0);
    f.datasyncFail = EIO;
    expectMmapError(() => m.msync("sync"), "EIO", "msync");
    m.write("more", 10);
    bytes.set(new TextEncoder().encode("more"), 10);
    m.msync("async");
    f.datasyncFail = 0;
    m.msync("sync");
    expectBytes(disk(p), bytes, "file after msync");
    m.munmap();
  });

  it("FileHandle.sync with a failing fsync → EIO (fsync)", () => {
    const p = file(pattern(PAGE, 17));
    const h = space.openSync(p, "r+");
    faults(p).syncFail = EIO;
    expectMmapError(() => h.sync(), "EIO", "fsync");
    faults(p).syncFail = 0;
    h.sync();
    h.close();
  });
});

describe("short reads and writes (the engine loops)", () => {
  for (const max of [1, 7, 1000, PAGE + 1]) {
    it(`at most ${max} bytes per host read: shared and private mappings read the right bytes, with read-ahead`, () => {
      const size = max === 1 ? 3 * PAGE + 5 : 300 * 1024 + 123;
      const data = pattern(size, 20 + max);
      const p = file(data);
      const f = faults(p);
      f.maxRead = max;
      const shared = space.mmapSync(p, { prot: "r", flags: "shared" });
      const priv = space.mmapSync(p, { prot: "r", flags: "private", length: size + PAGE });
      expectBytes(shared.read(0, 10), data.subarray(0, 10));
      expectBytes(priv.read(PAGE + 1, 10), data.subarray(PAGE + 1, PAGE + 11));
      expectBytes(shared.read(), data, "shared mapping");
      expectBytes(priv.read(0, size), data, "private mapping");
      // The rest of the last page is zeros; the page after it is past EOF.
      expectBytes(
        priv.read(size, Math.ceil(size / PAGE) * PAGE - size),
        new Uint8Array(Math.ceil(size / PAGE) * PAGE - size),
      );
      expectMmapError(() => priv.read(Math.ceil(size / PAGE) * PAGE, 1), "EFAULT", "access");
      expect(f.readCalls).toBeGreaterThan(size / Math.max(max, 1) - 1);
      shared.munmap();
      priv.munmap();
    });
  }

  for (const max of [1, 100, PAGE - 1]) {
    it(`at most ${max} bytes per host write: msync and munmap write every dirty byte`, () => {
      const size = max === 1 ? 2 * PAGE + 300 : 40 * PAGE + 300;
      const data = pattern(size, 30 + max);
      const p = file(data);
      const f = faults(p);
      f.maxWrite = max;
      const m = space.mmapSync(p, { prot: "rw", flags: "shared" });
      // Every byte differs: write-back writes only changed bytes, and the count below wants them all.
      const bytes = data.map((x) => x ^ 0x5a);
      m.write(bytes.subarray(0, PAGE + 10), 0); // a run of two dirty pages
      m.bytes.set(bytes.subarray(size - 500), size - 500); // the partial last page, through a raw view
      m.msync();
      const expected = data.slice();
      expected.set(bytes.subarray(0, PAGE + 10), 0);
      expected.set(bytes.subarray(size - 500), size - 500);
      expectBytes(disk(p), expected, "file after msync");
      m.write(bytes, 0);
      m.munmap();
      expectBytes(disk(p), bytes, "file after munmap");
      expect(f.writeCalls).toBeGreaterThan(size / max - 1);
    });
  }

  it("FileHandle.pread and pwrite over short host I/O return honest counts and the right bytes", () => {
    const data = pattern(3 * PAGE, 40);
    const p = file(data);
    const f = faults(p);
    const h = space.openSync(p, "r+");
    const m = space.mmapSync(h, { prot: "r", flags: "shared" });
    expectBytes(m.read(), data);
    f.maxRead = 100;
    f.maxWrite = 100;
    const buffer = new Uint8Array(1000);
    const n = h.pread(buffer, 10);
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThanOrEqual(1000);
    expectBytes(buffer.subarray(0, n), data.subarray(10, 10 + n), "pread");
    const bytes = pattern(1000, 41);
    const w = h.pwrite(bytes, 2000);
    expect(w).toBeGreaterThanOrEqual(1);
    expect(w).toBeLessThanOrEqual(1000);
    const expected = data.slice();
    expected.set(bytes.subarray(0, w), 2000);
    expectBytes(disk(p), expected, "file after a short pwrite");
    expectBytes(m.read(), expected, "mapping after a short pwrite");
    m.munmap();
    h.close();
  });
});

describe("afterwards", () => {
  it("the instance holds no mapping and no resident page", () => {
    expect(space.info().mappings).toBe(0);
    expect(space.info().residentBytes).toBe(0);
  });
});
