/**
 * The browser entry on the main thread, where no file can be read
 * synchronously: `await mmap(...)`, then `await mapping.load(...)` before
 * views; a view of pages not loaded is MmapError EAGAIN saying so; OPFS
 * writes are queued by msync and written by `await msyncAsync()` /
 * `await flush()`. Anonymous memory is fully synchronous.
 */
import { anymmap, describe, expect, it, pattern } from "../harness/browser.js";
import { freshPath, handleOf, readFile, rejection, writeFile } from "./opfs.js";

const P = 4096;
const text = (s: string) => new TextEncoder().encode(s);

function syncError(fn: () => unknown): { code: string; syscall: string; message: string } {
  try {
    fn();
  } catch (e) {
    return e as { code: string; syscall: string; message: string };
  }
  throw new Error("expected an error, nothing was thrown");
}

describe("OPFS on the main thread", () => {
  it("views need load(); load() makes exactly that range synchronous", async () => {
    const data = pattern(16 * P, 1);
    const path = freshPath("load");
    const handle = await writeFile(path, data);
    const space = anymmap.createInstance();
    const m = await space.mmap(handle, { prot: "r", flags: "shared" });
    const e = syncError(() => m.view(0, 10));
    expect(e.code).toBe("EAGAIN");
    expect(e.message).toContain("await mapping.load(0, 10)");
    await m.load(0, 2 * P);
    expect(m.view(0, 2 * P)).toEqual(data.subarray(0, 2 * P));
    expect(Array.from(m.mincore(0, 4 * P))).toEqual([1, 1, 0, 0]);
    expect(syncError(() => m.read(2 * P, 1)).code).toBe("EAGAIN");
    await m.load(5 * P + 100, 10);
    expect(m.read(5 * P + 100, 10)).toEqual(data.subarray(5 * P + 100, 5 * P + 110));
    await m.load();
    expect(m.read()).toEqual(data);
    m.munmap();
  });

  it("a shared writable mapping: msyncAsync() puts the bytes in the file", async () => {
    const data = pattern(4 * P, 2);
    const path = freshPath("write");
    await writeFile(path, data);
    const m = await anymmap.mmap(path, { prot: "rw", flags: "shared" });
    expect(syncError(() => m.write("x", 0)).code).toBe("EAGAIN");
    await m.load(P, P);
    m.write("from the main thread", P + 5);
    await m.msyncAsync();
    const expected = data.slice();
    expected.set(text("from the main thread"), P + 5);
    expect(await readFile(path)).toEqual(expected);
    // munmap writes back too; flush() waits for it.
    await m.load(3 * P, P);
    m.view(3 * P, 1, "write")[0] = 0xee;
    m.munmap();
    await anymmap.flush();
    expected[3 * P] = 0xee;
    expect(await readFile(path)).toEqual(expected);
  });

  it("queued writes are seen by a new mapping of the file before they reach storage", async () => {
    const path = freshPath("queued");
    await writeFile(path, pattern(2 * P, 3));
    const space = anymmap.createInstance();
    const fh = await space.open(path, "r+");
    const a = space.mmapSync(fh, { prot: "rw", flags: "shared" });
    await a.load();
    a.write("queued", 10);
    a.munmap();
    const b = space.mmapSync(fh, { prot: "r", flags: "private" });
    await b.load(0, P);
    expect(new TextDecoder().decode(b.read(10, 6))).toBe("queued");
    fh.close();
    await space.flush();
    expect(new TextDecoder().decode((await readFile(path)).subarray(10, 16))).toBe("queued");
  });

  it("flush() waits for write-back that happened outside the mapping object (address-level munmap)", async () => {
    const path = freshPath("address-munmap");
    await writeFile(path, pattern(2 * P, 6));
    const space = anymmap.createInstance();
    const m = await space.mmap(path, { prot: "rw", flags: "shared" });
    await m.load(0, P);
    m.write("by address", 0);
    space.munmap(m.address, m.length);
    await space.flush();
    expect(new TextDecoder().decode((await readFile(path)).subarray(0, 10))).toBe("by address");
  });

  it("MAP_POPULATE loads everything up front", async () => {
    const data = pattern(8 * P, 4);
    const path = freshPath("populate");
    await writeFile(path, data);
    const m = await anymmap.mmap(await handleOf(path), { flags: "shared|populate" });
    expect(m.read()).toEqual(data);
  });

  it("synchronous paths are ENOTSUP and say why", () => {
    const e = syncError(() => anymmap.mmapSync("/some/path"));
    expect(e.code).toBe("ENOTSUP");
    expect(e.message).toContain("main thread");
    expect(syncError(() => anymmap.openSync("/some/path")).code).toBe("ENOTSUP");
    expect(anymmap.info().runtime).toContain("main thread");
  });

  it("a missing OPFS path is ENOENT naming it", async () => {
    const path = freshPath("missing");
    const e = (await rejection(() => anymmap.mmap(path))) as { code: string; path?: string };
    expect([e.code, e.path]).toEqual(["ENOENT", path]);
  });
});

describe("File and Blob on the main thread", () => {
  it("mmapSync(file) works; MAP_PRIVATE writes stay in memory", async () => {
    const data = pattern(8 * P, 5);
    const file = new File([data], "local.bin");
    const m = anymmap.mmapSync(file, { prot: "rw", flags: "private" });
    expect(syncError(() => m.view(0, 1)).code).toBe("EAGAIN");
    await m.load();
    expect(m.read()).toEqual(data);
    m.write("only in memory", 3 * P);
    expect(new TextDecoder().decode(m.read(3 * P, 14))).toBe("only in memory");
    m.msync();
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(data);
    expect((await rejection(() => anymmap.mmap(file, { prot: "rw", flags: "shared" }))).code).toBe("EACCES");
  });

  it("pages wholly past the end are EFAULT (SIGBUS), not EAGAIN", async () => {
    const m = await anymmap.mmap(new Blob(["short"]), { length: 3 * P });
    await m.load();
    expect(new TextDecoder().decode(m.read(0, 5))).toBe("short");
    expect(syncError(() => m.view(2 * P, 1)).code).toBe("EFAULT");
  });
});

describe("anonymous memory on the main thread", () => {
  it("is synchronous once the engine is loaded", () => {
    const m = anymmap.mmapSync(null, { length: 4 * P, prot: "rw" });
    m.write("anon", 0);
    expect(new TextDecoder().decode(m.read(0, 4))).toBe("anon");
    m.munmap();
  });
});
