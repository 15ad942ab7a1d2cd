/**
 * The WASM engine's limits and isolation, on a fresh address space
 * (createInstance) so that nothing else is mapped there. Runs in every
 * runtime and project: `backend: "wasm"` asks for the engine explicitly.
 */
import { anymmap, describe, expect, expectMmapError, fx, it, pattern } from "../harness/index.js";

const P = anymmap.pageSize;
const wasm = { backend: "wasm" } as const;

describe("WASM engine limits", () => {
  it("the largest mapping the ENOMEM message names maps, and one page more does not", async () => {
    const space = anymmap.createInstance();
    (await space.mmap(null, { length: P, ...wasm })).munmap();
    // The old message recommended 4 GiB - 1 MiB, which never fitted.
    const e = expectMmapError(() => space.mmapSync(null, { length: 2 ** 32 - 2 ** 20, ...wasm }), "ENOMEM", "mmap");
    const named = /at most (\d+) bytes/.exec(e.message);
    expect(named, e.message).not.toBeNull();
    const max = Number(named![1]);
    expect(max % P).toBe(0);
    expect(max).toBeGreaterThan(2 ** 32 - 2 ** 27);
    expect(max).toBeLessThan(2 ** 32 - 2 ** 20);
    const m = space.mmapSync(null, { length: max, ...wasm });
    expect(m.length).toBe(max);
    m.munmap();
    const over = expectMmapError(() => space.mmapSync(null, { length: max + P, ...wasm }), "ENOMEM", "mmap");
    expect(over.message).toContain(`at most ${max} bytes`);
  });

  it("past Linux's 65,530 mappings, ENOMEM names the count, not the address space", async () => {
    const space = anymmap.createInstance();
    (await space.mmap(null, { length: P, ...wasm })).munmap();
    const maps = [];
    // Read and read-write in turn, so that no two neighbours are one mapping.
    for (let i = 0; i < 65530; i++) maps.push(space.mmapSync(null, { length: P, prot: i % 2 ? "r" : "rw", ...wasm }));
    const e = expectMmapError(() => space.mmapSync(null, { length: P, ...wasm }), "ENOMEM", "mmap");
    expect(e.message).toContain("65530 mappings already exist");
    maps.pop()!.munmap();
    space.mmapSync(null, { length: P, ...wasm }).munmap();
    for (const m of maps) m.munmap();
  });

  it("a fixed address in the engine's own memory names the lowest one that maps, and that one maps", async () => {
    const space = anymmap.createInstance();
    (await space.mmap(null, { length: P, ...wasm })).munmap();
    // Below 64 KiB it is Linux's mmap_min_addr first: EPERM, as on the native backend.
    expectMmapError(
      () => space.mmapSync(null, { length: P, prot: "rw", flags: "private|fixed", address: 0, ...wasm }),
      "EPERM",
      "mmap",
    );
    for (const address of [0x10000, 0x100000]) {
      const e = expectMmapError(
        () => space.mmapSync(null, { length: P, prot: "rw", flags: "private|fixed", address, ...wasm }),
        "ENOMEM",
        "mmap",
      );
      // Not the "no room, unmap something" of a full address space: this one is empty.
      expect(e.message).not.toContain("unmap something");
      const named = /must lie between (\d+) /.exec(e.message);
      expect(named, e.message).not.toBeNull();
      const lowest = Number(named![1]);
      const m = space.mmapSync(null, { length: P, prot: "rw", flags: "private|fixed", address: lowest, ...wasm });
      expect(m.address).toBe(lowest);
      m.munmap();
    }
  });
});

/** docs/security.md, "What a view exposes": each statement about the WASM backend, checked. */
describe("what a WASM view exposes", () => {
  const secret = pattern(64, 7);
  const other = pattern(2 * P, 8);

  it("read() is a new buffer of exactly the range, holding only those bytes", () => {
    const space = anymmap.createInstance();
    const a = space.mmapSync(fx.file(secret), { ...wasm, prot: "rw", flags: "shared" });
    a.bytes; // resident, so that its bytes are in the memory
    const b = space.mmapSync(fx.file(other), { ...wasm, prot: "rw", flags: "shared" });
    const copy = b.read(P, P);
    expect(copy.byteOffset).toBe(0);
    expect(copy.buffer.byteLength).toBe(P);
    expect(copy).toEqual(other.subarray(P));
    copy[0] = copy[0]! ^ 0xff;
    expect(b.read(P, 1)[0]).toBe(other[P]);
    a.munmap();
    b.munmap();
  });

  it("a view's buffer is the address space's whole memory, other mappings' bytes included", () => {
    const space = anymmap.createInstance();
    const a = space.mmapSync(fx.file(secret), { ...wasm, prot: "rw", flags: "shared" });
    a.bytes;
    const b = space.mmapSync(fx.file(other), { ...wasm, prot: "rw", flags: "shared" });
    const view = b.view(0, 16);
    expect(view.buffer.byteLength).toBeGreaterThanOrEqual(2 ** 32 - 2 ** 16);
    expect(view.buffer).toBe(a.bytes.buffer);
    expect(new Uint8Array(view.buffer, a.address, secret.length)).toEqual(secret);
    a.munmap();
    b.munmap();
  });

  it("createInstance() address spaces have separate memories", () => {
    const x = anymmap.createInstance();
    const y = anymmap.createInstance();
    const a = x.mmapSync(fx.file(secret), { ...wasm, prot: "rw", flags: "shared" });
    const b = y.mmapSync(fx.file(other), { ...wasm, prot: "rw", flags: "shared" });
    expect(b.bytes.buffer).not.toBe(a.bytes.buffer);
    const there = new Uint8Array(b.bytes.buffer, a.address, secret.length);
    const before = there.slice();
    expect(before).not.toEqual(secret);
    a.write(pattern(secret.length, 9));
    expect(there).toEqual(before);
    a.munmap();
    b.munmap();
  });
});

/** docs/security.md, "Two processes, one page": each address space writes back only the bytes it changed. */
describe("two address spaces writing different bytes of one page", () => {
  const base = pattern(3 * P, 21);
  const rw = { prot: "rw", flags: "shared" } as const;

  it("both writes reach the file, through write() and raw views, whoever syncs first", () => {
    const path = fx.file(base);
    const a = anymmap.createInstance().mmapSync(path, rw);
    const b = anymmap.createInstance().mmapSync(path, rw);
    // Both read the page before either writes, as two processes would.
    expect(a.read(0, P)).toEqual(base.subarray(0, P));
    expect(b.read(0, P)).toEqual(base.subarray(0, P));
    a.write(new Uint8Array(10).fill(0xaa), 0);
    b.bytes.fill(0xbb, 100, 110);
    a.bytes[P + 7] = 0xa1;
    b.write(new Uint8Array([0xb1]), P + 8);
    a.msync("sync");
    b.msync("sync");
    const want = base.slice();
    want.fill(0xaa, 0, 10);
    want.fill(0xbb, 100, 110);
    want[P + 7] = 0xa1;
    want[P + 8] = 0xb1;
    expect(fx.read(path)).toEqual(want);
    // munmap writes back the same way.
    a.bytes[2 * P] = 1;
    b.bytes[2 * P + 1] = 2;
    b.munmap();
    a.munmap();
    want[2 * P] = 1;
    want[2 * P + 1] = 2;
    expect(fx.read(path)).toEqual(want);
  });

  it("a byte written back with its old value does not overwrite the other's write", () => {
    const path = fx.file(base);
    const a = anymmap.createInstance().mmapSync(path, rw);
    const b = anymmap.createInstance().mmapSync(path, rw);
    a.bytes;
    b.bytes;
    a.bytes[50] = base[50]! ^ 1;
    a.bytes[50] = base[50]!; // changed and changed back: nothing of a's to write
    a.bytes[60] = 6;
    b.bytes[50] = 5;
    b.msync("sync");
    a.msync("sync");
    const want = base.slice();
    want[50] = 5;
    want[60] = 6;
    expect(fx.read(path)).toEqual(want);
    a.munmap();
    b.munmap();
  });
});
