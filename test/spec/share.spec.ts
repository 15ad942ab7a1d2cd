/**
 * Shared anonymous memory between address spaces: a MAP_SHARED|MAP_ANONYMOUS
 * mapping is share()d and attach()ed elsewhere (here a second address space
 * of the same thread, exactly as a worker attaches it: test/shared-memory.test.ts
 * and the browser tests do it across real workers). Each side sees the
 * other's writes, while unmapping and protection stay each side's own, as
 * for a parent and its child after fork(2).
 */
import {
  anymmap,
  beforeAll,
  beforeEach,
  describe,
  expect,
  expectMmapError,
  fx,
  it,
  pattern,
} from "../harness/index.js";

// Every test asserts something, on every backend: one that checks nothing fails.
beforeEach(() => expect.hasAssertions());

const P = anymmap.pageSize;
const wasm = anymmap.backend === "wasm";
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

type Space = ReturnType<typeof anymmap.createInstance>;
const sharedSpace = (): Space => anymmap.createInstance({ sharedMemory: true });
const rw = { prot: "rw", flags: "shared" } as const;

beforeAll(async () => {
  // Browsers compile anymmap-shared.wasm asynchronously, once; the Sync calls below then work everywhere.
  (await sharedSpace().mmap(null, { length: P, backend: "wasm" })).munmap();
});

describe("share() and attach()", () => {
  it("each side sees the other's writes, through calls and raw views", () => {
    const parent = sharedSpace();
    const child = sharedSpace();
    const m = parent.mmapSync(null, { length: 3 * P, ...rw });
    const data = pattern(3 * P, 1);
    m.write(data, 0);
    const handle = m.share();
    expect(handle).toMatchObject({
      type: "anymmap.shared-memory",
      backend: anymmap.backend,
      length: 3 * P,
      prot: anymmap.PROT_READ | anymmap.PROT_WRITE,
    });
    const n = child.attach(handle);
    expect(n.backend).toBe(anymmap.backend);
    expect(n.flags).toBe(anymmap.MAP_SHARED | anymmap.MAP_ANONYMOUS);
    expect(n.length).toBe(3 * P);
    // WASM: one linear memory, seen at the same address on both sides, as after fork.
    if (wasm) expect(n.address).toBe(m.address);
    // Native: the kernel maps the shared memory again, elsewhere (m is still mapped).
    else expect(n.address).not.toBe(m.address);
    expect(n.read()).toEqual(data);
    n.write("from the attached side", P);
    expect(text(m.read(P, 22))).toBe("from the attached side");
    m.bytes[5] = 77;
    expect(n.bytes[5]).toBe(77);
    n.view(2 * P, 4, "write").set([1, 2, 3, 4]);
    expect([...m.read(2 * P, 4)]).toEqual([1, 2, 3, 4]);
    n.munmap();
    m.munmap();
  });

  it("pages nobody touched before share() are the same memory on both sides", () => {
    const parent = sharedSpace();
    const m = parent.mmapSync(null, { length: 4 * P, ...rw });
    const n = sharedSpace().attach(m.share());
    n.write("late", 3 * P + 10);
    expect(text(m.read(3 * P + 10, 4))).toBe("late");
    expect(m.read(0, 3 * P)).toEqual(new Uint8Array(3 * P));
    m.write("back", 2 * P);
    expect(text(n.read(2 * P, 4))).toBe("back");
    n.munmap();
    m.munmap();
  });

  it("unmapping one side leaves the others mapped and still sharing", () => {
    const parent = sharedSpace();
    const m = parent.mmapSync(null, { length: 2 * P, ...rw });
    const data = pattern(2 * P, 2);
    m.write(data, 0);
    const handle = m.share();
    const a = sharedSpace().attach(handle);
    const b = sharedSpace().attach(handle);
    m.munmap();
    expect(m.mapped).toBe(false);
    expect(a.read()).toEqual(data);
    a.write("still shared", 0);
    expect(text(b.read(0, 12))).toBe("still shared");
    // A partial munmap is that side's own too.
    a.munmap(P, P);
    expectMmapError(() => a.read(P, 1), "EFAULT", "access");
    expect(b.read(P, P)).toEqual(data.subarray(P));
    b.write("b", P);
    expect(text(a.read(0, 12))).toBe("still shared");
    a.munmap();
    b.munmap();
  });

  it("memory the sharer unmapped while attached is released when the last side unmaps", () => {
    const parent = sharedSpace();
    const before = parent.info().mappings;
    const m = parent.mmapSync(null, { length: 2 * P, ...rw });
    const n = sharedSpace().attach(m.share());
    m.munmap();
    // WASM keeps the pages (in the sharer's memory) while the attached side uses them; the kernel keeps its memfd's.
    expect(parent.info().mappings).toBe(wasm ? before + 1 : before);
    n.write("alive", 0);
    expect(text(n.read(0, 5))).toBe("alive");
    n.munmap();
    expect(parent.info().mappings).toBe(before);
    // The address space is whole again: new memory there reads zeros.
    const again = parent.mmapSync(null, { length: 2 * P, ...rw });
    expect(again.read()).toEqual(new Uint8Array(2 * P));
    again.munmap();
  });

  it("a handle attached after its sharer unmapped the memory is EBADF", () => {
    const m = sharedSpace().mmapSync(null, { length: P, ...rw });
    const handle = m.share();
    m.munmap();
    const { message } = expectMmapError(() => sharedSpace().attach(handle), "EBADF", "attach");
    expect(message).toContain("keep the mapping until every worker has attached it");
  });

  it("a handle attached after its sharer unmapped the memory is EBADF, even while another side still uses it", () => {
    const m = sharedSpace().mmapSync(null, { length: P, ...rw });
    m.write("shared", 0);
    const handle = m.share();
    const early = sharedSpace().attach(handle);
    m.munmap();
    expectMmapError(() => sharedSpace().attach(handle), "EBADF", "attach");
    expect(text(early.read(0, 6))).toBe("shared");
    early.munmap();
    expectMmapError(() => sharedSpace().attach(handle), "EBADF", "attach");
  });

  it("protection is each side's own", () => {
    const parent = sharedSpace();
    const m = parent.mmapSync(null, { length: 2 * P, ...rw });
    const n = sharedSpace().attach(m.share());
    n.mprotect("r");
    expect(n.prot).toBe(anymmap.PROT_READ);
    expectMmapError(() => n.write("x", 0), "EACCES", "access");
    m.write("y", 0);
    expect(text(n.read(0, 1))).toBe("y");
    n.mprotect("none", P, P);
    expectMmapError(() => n.read(P, 1), "EACCES", "access");
    expect(m.read(P, 1)).toEqual(new Uint8Array(1));
    n.munmap();
    m.munmap();
    // A read-only sharer hands out read-only memory.
    const ro = parent.mmapSync(null, { length: P, prot: "r", flags: "shared" });
    const r = sharedSpace().attach(ro.share());
    expect(r.prot).toBe(anymmap.PROT_READ);
    expectMmapError(() => r.write("x", 0), "EACCES", "access");
    r.munmap();
    ro.munmap();
  });

  it("msync, madvise and mincore work on an attached mapping; MADV_DONTNEED keeps shared bytes", () => {
    const parent = sharedSpace();
    const m = parent.mmapSync(null, { length: 2 * P, ...rw });
    const data = pattern(2 * P, 3);
    m.write(data, 0);
    const n = sharedSpace().attach(m.share());
    n.msync("sync");
    n.madvise("dontneed");
    expect(n.read()).toEqual(data);
    expect([...n.mincore()]).toEqual([1, 1]);
    expectMmapError(() => n.msync("sync|async"), "EINVAL", "msync");
    // MADV_FREE is for private anonymous memory: the sharer's side and the native backend said EINVAL, the
    // WASM attached side accepted it (and MADV_REMOVE, which its sharer refuses with ENOTSUP).
    expectMmapError(() => n.madvise("free"), "EINVAL", "madvise");
    expectMmapError(() => m.madvise("free"), "EINVAL", "madvise");
    if (wasm) {
      expectMmapError(() => n.madvise("remove"), "ENOTSUP", "madvise");
      expectMmapError(() => m.madvise("remove"), "ENOTSUP", "madvise");
    }
    expect(n.read()).toEqual(data);
    n.munmap();
    m.munmap();
  });

  it("an attached mapping can be shared on", () => {
    const m = sharedSpace().mmapSync(null, { length: P, ...rw });
    const n = sharedSpace().attach(m.share());
    const o = sharedSpace().attach(n.share());
    o.write("third", 0);
    expect(text(m.read(0, 5))).toBe("third");
    m.munmap();
    n.munmap();
    expect(text(o.read(0, 5))).toBe("third");
    o.munmap();
  });
});

describe("what cannot be shared", () => {
  it("only MAP_SHARED|MAP_ANONYMOUS memory, all of it still mapped", () => {
    const space = sharedSpace();
    const priv = space.mmapSync(null, { length: P, prot: "rw", flags: "private" });
    expect(expectMmapError(() => priv.share(), "EINVAL", "share").message).toContain("MAP_SHARED|MAP_ANONYMOUS");
    priv.munmap();
    const path = fx.file(pattern(P, 4), "share-file");
    const file = space.mmapSync(path, rw);
    expect(expectMmapError(() => file.share(), "EINVAL", "share").message).toContain(
      "map the same file MAP_SHARED in the worker",
    );
    file.munmap();
    const holed = space.mmapSync(null, { length: 3 * P, ...rw });
    holed.munmap(P, P);
    expectMmapError(() => holed.share(), "EFAULT", "share");
    holed.munmap();
    expectMmapError(() => holed.share(), "EFAULT", "share");
  });

  it("attach() takes only what share() returned", () => {
    const space = sharedSpace();
    const loose = space.attach as (h: unknown) => unknown;
    for (const bad of [null, undefined, 7, "handle", {}, { type: "other" }])
      expectMmapError(() => loose.call(space, bad), "EINVAL", "attach");
    const m = space.mmapSync(null, { length: P, ...rw });
    const handle = m.share();
    expectMmapError(() => loose.call(space, { ...handle, length: -1 }), "EINVAL", "attach");
    expectMmapError(() => loose.call(space, { ...handle, length: Number.NaN }), "EINVAL", "attach");
    expectMmapError(() => loose.call(space, { ...handle, prot: 99 }), "EINVAL", "attach");
    // Past the end of the shared memory (native: its memfd; WASM: the shared buffer).
    expectMmapError(() => loose.call(space, { ...handle, length: 2 ** 33 }), "EINVAL", "attach");
    if (!wasm) expectMmapError(() => loose.call(space, { ...handle, length: 2 * P }), "EINVAL", "attach");
    for (const broken of [
      { lock: undefined },
      { lock: [0] },
      { fd: "3", buffer: "memory" },
      { offset: -1, address: -4096 },
    ]) {
      expectMmapError(() => loose.call(space, { ...handle, ...broken }), "EINVAL", "attach");
    }
    m.munmap();
  });

  it.skipIf(wasm)(
    "native: a handle forged to name another descriptor (stdio, a mapped file's) is EBADF, never a mapping of it (WASM handles name memory, not descriptors)",
    () => {
      const space = sharedSpace();
      const secret = space.mmapSync(fx.file(pattern(P, 9), "share-secret"), { prot: "r", flags: "shared" });
      const m = space.mmapSync(null, { length: P, ...rw });
      const handle = m.share() as unknown as { fd: number };
      const loose = space.attach as (h: unknown) => unknown;
      for (let fd = 0; fd < handle.fd + 16; fd++) {
        if (fd === handle.fd) continue;
        // Read-only, so that a descriptor of a file open for reading would map if it were taken.
        const forged = { ...handle, fd, prot: anymmap.PROT_READ, lock: new Int32Array(new SharedArrayBuffer(4)) };
        expectMmapError(() => loose.call(space, forged), "EBADF", "attach");
      }
      secret.munmap();
      m.munmap();
    },
  );

  it("a WASM address space without shared memory says how to get it", () => {
    const m = anymmap.createInstance({ sharedMemory: false }).mmapSync(null, { length: P, ...rw, backend: "wasm" });
    const { message } = expectMmapError(() => m.share(), "ENOTSUP", "share");
    expect(message).toContain("createInstance({ sharedMemory: true })");
    m.munmap();
  });

  it("createInstance() checks its options", () => {
    const create = anymmap.createInstance as (o: unknown) => unknown;
    expectMmapError(() => create(null), "EINVAL", "createInstance");
    expectMmapError(() => create("shared"), "EINVAL", "createInstance");
    expectMmapError(() => create({ sharedMemory: "yes" }), "EINVAL", "createInstance");
  });

  it("WASM: memory an attached side uses is not replaced, moved or shrunk under it", () => {
    const parent = sharedSpace();
    const m = parent.mmapSync(null, { length: 2 * P, ...rw, backend: "wasm" });
    m.write("kept", 0);
    const n = sharedSpace().attach(m.share());
    const fixed = { length: P, address: m.address, prot: "rw", flags: "private|fixed", backend: "wasm" } as const;
    expectMmapError(() => parent.mmapSync(null, fixed), "EBUSY", "mmap");
    expectMmapError(() => m.mremap(P), "EBUSY", "mremap");
    expect(text(n.read(0, 4))).toBe("kept");
    n.munmap();
    // Nobody else uses it now: the sharer may do as it likes.
    parent.mmapSync(null, fixed).munmap();
    m.munmap();
  });
});
