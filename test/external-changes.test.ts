/**
 * A file changed behind a mapping by another process (node:fs from the test,
 * which anymmap cannot see): README promises the changes are visible for
 * pages not yet read, or after msync(MS_INVALIDATE) for clean pages, and
 * Linux's rules for the end of the file: pages wholly past EOF fault (EFAULT
 * here, SIGBUS on Linux) and write-back never grows the file.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

import { createInstance } from "../dist/node.js";
import { assertions, pattern } from "./harness/helpers.js";

const PAGE = 4096;
const space = createInstance();
const root = fs.mkdtempSync(path.join(os.tmpdir(), "anymmap-external-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let counter = 0;

function file(bytes: Uint8Array): string {
  const p = path.join(root, `${counter++}.bin`);
  fs.writeFileSync(p, bytes);
  return p;
}

/** The other process: plain node:fs calls. */
const other = {
  append(p: string, bytes: Uint8Array): void {
    fs.appendFileSync(p, bytes);
  },
  writeAt(p: string, offset: number, bytes: Uint8Array): void {
    const fd = fs.openSync(p, "r+");
    try {
      fs.writeSync(fd, bytes, 0, bytes.length, offset);
    } finally {
      fs.closeSync(fd);
    }
  },
  truncate(p: string, size: number): void {
    fs.truncateSync(p, size);
  },
};

const disk = (p: string) => new Uint8Array(fs.readFileSync(p));

const { expectBytes, expectMmapError } = assertions(expect);

const zeros = (n: number) => new Uint8Array(n);

describe("the file grows behind the mapping", () => {
  for (const flags of ["shared", "private"] as const) {
    it(`${flags}: pages not yet read show the new bytes; a page past the old EOF stops faulting`, () => {
      const old = pattern(PAGE + 100, 1);
      const p = file(old);
      const m = space.mmapSync(p, { prot: "r", flags, length: 6 * PAGE });
      m.madvise("random"); // no read-ahead: only what is touched is read
      expectBytes(m.read(0, 10), old.subarray(0, 10));
      expectMmapError(() => m.read(3 * PAGE, 1), "EFAULT", "access");
      const more = pattern(3 * PAGE, 2);
      other.append(p, more);
      const now = disk(p);
      expect(now.length).toBe(4 * PAGE + 100);
      // Pages 1.. were never read (page 1 straddled the old EOF): they show the file as it is now.
      expectBytes(m.read(PAGE, 3 * PAGE + 100), now.subarray(PAGE), "grown part");
      expectBytes(m.read(4 * PAGE + 100, PAGE - 100), zeros(PAGE - 100), "rest of the new last page");
      expectMmapError(() => m.read(5 * PAGE, 1), "EFAULT", "access");
      m.munmap();
      expectBytes(disk(p), now, "file");
    });
  }

  it("shared: a clean page that straddled the old EOF shows the appended bytes after msync(invalidate)", () => {
    const old = pattern(PAGE + 100, 3);
    const p = file(old);
    const m = space.mmapSync(p, { prot: "rw", flags: "shared", length: 4 * PAGE });
    expectBytes(m.read(0, PAGE + 100), old, "before");
    other.append(p, pattern(PAGE, 4));
    const now = disk(p);
    m.msync("invalidate");
    expectBytes(m.read(0, 2 * PAGE + 100), now, "after invalidate");
    expectBytes(m.read(2 * PAGE + 100, PAGE - 100), zeros(PAGE - 100), "rest of the new last page");
    expectMmapError(() => m.read(3 * PAGE, 1), "EFAULT", "access");
    m.munmap();
    expectBytes(disk(p), now, "file");
  });

  it("shared rw: writes into pages the file grew into reach the file; the size stays the other process's", () => {
    const p = file(pattern(100, 5));
    const m = space.mmapSync(p, { prot: "rw", flags: "shared", length: 4 * PAGE });
    m.madvise("random");
    expectMmapError(() => m.write("x", 2 * PAGE), "EFAULT", "access");
    other.truncate(p, 3 * PAGE + 10);
    const bytes = pattern(PAGE, 6);
    m.write(bytes, 2 * PAGE);
    m.write("tail", 3 * PAGE + 6);
    m.msync();
    const expected = disk(p);
    expect(expected.length).toBe(3 * PAGE + 10);
    expectBytes(expected.subarray(2 * PAGE, 3 * PAGE), bytes, "written page");
    expect(new TextDecoder().decode(expected.subarray(3 * PAGE + 6))).toBe("tail");
    m.munmap();
    expect(fs.statSync(p).size).toBe(3 * PAGE + 10);
  });
});

describe("the file shrinks behind the mapping", () => {
  for (const flags of ["shared", "private"] as const) {
    it(`${flags}: pages wholly past the new EOF that were not resident fault with EFAULT; the new last page reads zeros past EOF`, () => {
      const data = pattern(5 * PAGE, 7);
      const p = file(data);
      const m = space.mmapSync(p, { prot: "r", flags });
      m.madvise("random");
      expectBytes(m.read(0, 10), data.subarray(0, 10));
      other.truncate(p, PAGE + 100);
      expectBytes(m.read(PAGE, 100), data.subarray(PAGE, PAGE + 100), "kept part of page 1");
      expectBytes(m.read(PAGE + 100, PAGE - 100), zeros(PAGE - 100), "page 1 past the new EOF");
      for (const page of [2, 3, 4]) expectMmapError(() => m.read(page * PAGE, 1), "EFAULT", "access");
      expectMmapError(() => m.view(PAGE, 2 * PAGE), "EFAULT", "access");
      m.munmap();
    });
  }

  it("shared: msync of a dirty page that now lies past EOF does not grow the file back, nor does munmap", () => {
    const data = pattern(5 * PAGE, 8);
    const p = file(data);
    const m = space.mmapSync(p, { prot: "rw", flags: "shared" });
    m.write(pattern(PAGE, 9), 4 * PAGE); // dirty, resident, and about to be past EOF
    m.write(pattern(10, 10), 0); // dirty, stays in the file
    other.truncate(p, 2 * PAGE + 100);
    m.msync("sync");
    expect(fs.statSync(p).size).toBe(2 * PAGE + 100);
    m.msync("async", 4 * PAGE, PAGE);
    expect(fs.statSync(p).size).toBe(2 * PAGE + 100);
    m.munmap();
    expect(fs.statSync(p).size).toBe(2 * PAGE + 100);
    const expected = data.slice(0, 2 * PAGE + 100);
    expected.set(pattern(10, 10), 0);
    expectBytes(disk(p), expected, "file");
  });

  it("shared: a dirty page straddling the new EOF writes only the bytes up to it", () => {
    const data = pattern(4 * PAGE, 11);
    const p = file(data);
    const m = space.mmapSync(p, { prot: "rw", flags: "shared" });
    const bytes = pattern(PAGE, 12);
    m.write(bytes, PAGE);
    other.truncate(p, PAGE + 300);
    m.msync();
    expect(fs.statSync(p).size).toBe(PAGE + 300);
    const expected = data.slice(0, PAGE + 300);
    expected.set(bytes.subarray(0, 300), PAGE);
    expectBytes(disk(p), expected, "file");
    m.munmap();
    expect(fs.statSync(p).size).toBe(PAGE + 300);
  });

  it("shared: after msync(invalidate), a clean resident page past the new EOF faults", () => {
    const data = pattern(3 * PAGE, 13);
    const p = file(data);
    const m = space.mmapSync(p, { prot: "r", flags: "shared" });
    expectBytes(m.read(), data);
    other.truncate(p, PAGE);
    m.msync("invalidate");
    expectBytes(m.read(0, PAGE), data.subarray(0, PAGE));
    expectMmapError(() => m.read(PAGE, 1), "EFAULT", "access");
    expectMmapError(() => m.read(2 * PAGE, 1), "EFAULT", "access");
    m.munmap();
  });
});

describe("the file is rewritten behind the mapping", () => {
  it("shared: pages not yet read show the new bytes; clean pages show them after msync(invalidate); a dirty page keeps the bytes the mapping changed", () => {
    const data = pattern(4 * PAGE, 14);
    const p = file(data);
    const m = space.mmapSync(p, { prot: "rw", flags: "shared" });
    m.madvise("random");
    expectBytes(m.read(0, 2 * PAGE), data.subarray(0, 2 * PAGE)); // pages 0, 1 resident and clean
    const mine = pattern(100, 15);
    m.write(mine, 50); // page 0 dirty
    const theirs = pattern(4 * PAGE, 16);
    other.writeAt(p, 0, theirs);
    expectBytes(m.read(2 * PAGE, 2 * PAGE), theirs.subarray(2 * PAGE), "pages never read");
    m.msync("invalidate");
    expectBytes(m.read(PAGE, PAGE), theirs.subarray(PAGE, 2 * PAGE), "clean page after invalidate");
    // Only the bytes the mapping changed were written back (docs/security.md); the rest of the page is theirs.
    const expected = theirs.slice();
    expected.set(mine, 50);
    expectBytes(m.read(0, PAGE), expected.subarray(0, PAGE), "dirty page after invalidate");
    m.munmap();
    expectBytes(disk(p), expected, "file");
  });

  it("shared r: msync(sync|invalidate) of a read-only mapping shows the rewritten file", () => {
    const data = pattern(2 * PAGE, 17);
    const p = file(data);
    const m = space.mmapSync(p, { prot: "r", flags: "shared" });
    expectBytes(m.read(), data);
    const theirs = pattern(2 * PAGE, 18);
    fs.writeFileSync(p, theirs); // truncates to 0 and rewrites: same inode
    m.msync("sync|invalidate");
    expectBytes(m.read(), theirs, "after invalidate");
    m.munmap();
    expectBytes(disk(p), theirs, "file");
  });
});

describe("afterwards", () => {
  it("the instance holds no mapping and no resident page", () => {
    expect(space.info()).toMatchObject({ mappings: 0, residentBytes: 0 });
  });
});
