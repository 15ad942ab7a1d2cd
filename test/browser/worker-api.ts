/**
 * The browser entry in a cross-origin isolated dedicated worker, beyond the
 * spec suite: OPFS file handles (direct FileSystemSyncAccessHandle),
 * Files and Blobs (FileReaderSync), OPFS paths, and the .wasm loading
 * options.
 */
import { anymmap, describe, expect, fx, it, pattern } from "../harness/browser.js";
import { freshPath, handleOf, rejection } from "./opfs.js";

const P = 4096;
const text = (s: string) => new TextEncoder().encode(s);

describe("OPFS FileSystemFileHandle, through a sync access handle in this worker", () => {
  it("await mmap(handle) reads the file lazily and writes back on msync", async () => {
    const data = pattern(64 * P, 1);
    const path = fx.file(data);
    const handle = await handleOf(path);
    const space = anymmap.createInstance();
    const m = await space.mmap(handle, { prot: "rw", flags: "shared" });
    expect(m.length).toBe(data.length);
    space.resetHostIO();
    expect(m.read(10 * P, P)).toEqual(data.subarray(10 * P, 11 * P));
    // One page asked for: the read (with read-ahead) is far from the whole file.
    expect(space.hostIO.reads).toBeGreaterThan(0);
    expect(space.hostIO.readBytes).toBeLessThan(data.length);
    m.write("through the handle", 5 * P + 1);
    m.msync();
    const expected = data.slice();
    expected.set(text("through the handle"), 5 * P + 1);
    expect(fx.read(path)).toEqual(expected);
    m.munmap();
  });

  it("a handle and a path of the same file share pages (one page cache)", async () => {
    const path = fx.file(pattern(4 * P, 2));
    const space = anymmap.createInstance();
    const a = await space.mmap(await handleOf(path), { prot: "rw", flags: "shared" });
    const b = space.mmapSync(path, { prot: "r", flags: "shared" });
    a.write("coherent", 3 * P);
    expect(new TextDecoder().decode(b.read(3 * P, 8))).toBe("coherent");
    a.munmap();
    b.munmap();
  });

  it("await open(handle), truncate, map, write, close: the file has the bytes", async () => {
    const path = freshPath("grown");
    const handle = await handleOf(path, true);
    const space = anymmap.createInstance();
    const fh = await space.open(handle, "r+");
    expect(fh.size()).toBe(0);
    fh.truncate(3 * P);
    const m = space.mmapSync(fh, { prot: "rw", flags: "shared" });
    m.write("end", 3 * P - 3);
    fh.close();
    m.munmap();
    const out = fx.read(path);
    expect(out.length).toBe(3 * P);
    expect(new TextDecoder().decode(out.subarray(3 * P - 3))).toBe("end");
  });

  it("await open(path, 'w+') creates the file; 'wx' of it is EEXIST; a missing path is ENOENT", async () => {
    const path = freshPath("created");
    const fh = await anymmap.open(path, "w+");
    expect(fh.pwrite(text("made"), 0)).toBe(4);
    fh.close();
    expect(new TextDecoder().decode(fx.read(path))).toBe("made");
    expect((await rejection(() => anymmap.open(path, "wx"))).code).toBe("EEXIST");
    const missing = await rejection(() => anymmap.mmap(freshPath("missing")));
    expect([missing.code, missing.syscall]).toEqual(["ENOENT", "open"]);
  });

  it("mmapSync(handle) says to use the async form", () => {
    return handleOf(fx.file("x")).then((handle) => {
      let error: { code?: string; message?: string } | undefined;
      try {
        anymmap.mmapSync(handle);
      } catch (e) {
        error = e as typeof error;
      }
      expect(error?.code).toBe("ENOTSUP");
      expect(error?.message).toContain("await mmap(handle)");
    });
  });
});

describe("File and Blob, through FileReaderSync", () => {
  it("mmapSync(file) maps synchronously; MAP_PRIVATE writes stay in memory", async () => {
    const data = pattern(16 * P, 3);
    const file = new File([data], "data.bin");
    const space = anymmap.createInstance();
    const m = space.mmapSync(file, { prot: "rw", flags: "private" });
    expect(m.read()).toEqual(data);
    m.write("private", P);
    expect(new TextDecoder().decode(m.read(P, 7))).toBe("private");
    m.msync();
    m.munmap();
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(data);
    const again = space.mmapSync(file, { prot: "r", flags: "private" });
    expect(again.read(P, 7)).toEqual(data.subarray(P, P + 7));
  });

  it("pages are read lazily", async () => {
    const blob = new Blob([pattern(256 * P, 4)]);
    const space = anymmap.createInstance();
    const m = await space.mmap(blob);
    space.resetHostIO();
    m.view(200 * P, 10);
    expect(space.hostIO.readBytes).toBeGreaterThan(0);
    expect(space.hostIO.readBytes).toBeLessThan(256 * P);
  });

  it("a writable shared mapping of a Blob is EACCES: a Blob is read-only", async () => {
    const blob = new Blob(["read only"]);
    expect((await rejection(() => anymmap.mmapSync(blob, { prot: "rw", flags: "shared" }))).code).toBe("EACCES");
    expect((await rejection(() => anymmap.mmap(blob, { prot: "rw", flags: "shared" }))).code).toBe("EACCES");
    expect((await rejection(() => anymmap.open(blob, "r+"))).code).toBe("EACCES");
  });

  it("bytes past the end of the Blob read as zero; pages wholly past it are EFAULT (SIGBUS)", () => {
    const m = anymmap.mmapSync(new Blob(["tail"]), { length: 2 * P });
    expect(Array.from(m.read(0, 6))).toEqual([...text("tail"), 0, 0]);
    let code: string | undefined;
    try {
      m.view(P, 1);
    } catch (e) {
      code = (e as { code: string }).code;
    }
    expect(code).toBe("EFAULT");
  });
});

describe("more address spaces than the browser will reserve", () => {
  it("the one refused is an MmapError ENOMEM from mmap; the ones made before keep working", () => {
    // Each createInstance() reserves 4 GiB of address space; Chromium stops
    // at a few hundred alive at once (Node did not at 2,000).
    const alive: Array<{
      space: ReturnType<typeof anymmap.createInstance>;
      m: { read(o: number, n: number): Uint8Array };
    }> = [];
    let refused: { code?: string; syscall?: string; name?: string } | undefined;
    for (let i = 0; i < 1000 && refused === undefined; i++) {
      try {
        const space = anymmap.createInstance();
        const m = space.mmapSync(null, { length: P, prot: "rw" });
        m.write(text(`n${i}`), 0);
        alive.push({ space, m });
      } catch (e) {
        refused = e as typeof refused;
      }
    }
    if (refused !== undefined) {
      expect(refused.name).toBe("MmapError");
      expect(refused.code).toBe("ENOMEM");
      expect(refused.syscall).toBe("mmap");
    }
    expect(alive.length).toBeGreaterThan(0);
    for (const [i, { m }] of alive.entries()) {
      expect(new TextDecoder().decode(m.read(0, `n${i}`.length))).toBe(`n${i}`);
    }
  });
});

describe("an address space with shared memory (anymmap-shared.wasm)", () => {
  it("maps OPFS handles and paths, Files and Blobs as the default build does", async () => {
    const space = anymmap.createInstance({ sharedMemory: true });
    const data = pattern(8 * P, 5);
    const handle = await handleOf(fx.file(data));
    const m = await space.mmap(handle, { prot: "rw", flags: "shared" });
    expect(space.info().sharedMemory).toBe(true);
    expect(m.read()).toEqual(data);
    m.write("shared build", 3 * P);
    m.msync();
    m.munmap();
    const path = fx.file(pattern(4 * P, 6));
    const p = space.mmapSync(path, { prot: "rw", flags: "shared" });
    p.write("through the helper", P);
    p.munmap();
    expect(new TextDecoder().decode(space.mmapSync(path).read(P, 18))).toBe("through the helper");
    const back = await space.mmap(handle);
    expect(new TextDecoder().decode(back.read(3 * P, 12))).toBe("shared build");
    const blob = space.mmapSync(new Blob([data]), { prot: "r", flags: "private" });
    expect(blob.read()).toEqual(data);
  });
});

describe("synchronous OPFS paths (helper worker)", () => {
  it("openSync and mmapSync take paths; info names the runtime", () => {
    const path = fx.file("sync path");
    const fh = anymmap.openSync(path, "r");
    expect(fh.size()).toBe(9);
    const m = anymmap.mmapSync(fh);
    expect(new TextDecoder().decode(m.read())).toBe("sync path");
    fh.close();
    m.munmap();
    expect(anymmap.info().runtime).toContain("dedicated worker");
  });

  // Paths reach the OPFS helper worker as UTF-8, which TextDecoder's default decoded without a leading BOM: the other file.
  it("a path that begins with U+FEFF (a byte-order mark) is its own file, not the name without it", () => {
    const name = `bom-${Math.random().toString(36).slice(2)}`;
    const withBom = anymmap.openSync(`\uFEFF${name}`, "w+");
    withBom.pwrite(text("with a BOM"), 0);
    const without = anymmap.openSync(name, "w+");
    without.pwrite(text("without"), 0);
    const out = new Uint8Array(16);
    expect(new TextDecoder().decode(out.subarray(0, withBom.pread(out, 0)))).toBe("with a BOM");
    expect(new TextDecoder().decode(out.subarray(0, without.pread(out, 0)))).toBe("without");
    withBom.close();
    without.close();
  });
});

type Module = typeof anymmap;
const fresh = (tag: string) => import(/* @vite-ignore */ `/dist/browser.js?${tag}-${Math.random()}`) as Promise<Module>;

describe("loading anymmap.wasm", () => {
  it("by default from beside the module", async () => {
    const m = await fresh("default");
    await m.init();
    expect(m.mmapSync(null, { length: P, prot: "rw" }).length).toBe(P);
  });

  it("from a URL string, a URL, a Response, a promise of one, bytes and a compiled Module", async () => {
    const url = "/dist/anymmap.wasm";
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    const module = await WebAssembly.compile(bytes);
    const sources: Array<[string, () => unknown]> = [
      ["string", () => url],
      ["URL", () => new URL(url, (globalThis as unknown as { location: { href: string } }).location.href)],
      ["Response", () => fetch(url)],
      ["promise", () => fetch(url)],
      ["ArrayBuffer", () => bytes.slice().buffer],
      ["Uint8Array", () => bytes],
      ["Module", () => module],
    ];
    for (const [name, make] of sources) {
      const m = await fresh(name);
      const source = name === "Response" ? await (make() as Promise<Response>) : make();
      await m.init(source as Parameters<Module["init"]>[0]);
      const mapping = m.mmapSync(null, { length: P, prot: "rw" });
      mapping.write(name, 0);
      expect(new TextDecoder().decode(mapping.read(0, name.length)), name).toBe(name);
    }
  });

  it("a failed load is reported as ENOEXEC and retried by the next call", async () => {
    const m = await fresh("retry");
    const sync = await rejection(() => m.mmapSync(null, { length: P }));
    expect(sync.code).toBe("ENOSYS");
    expect(sync.message).toContain("await init()");
    const failed = await rejection(() => m.init("/dist/no-such.wasm"));
    expect([failed.name, failed.code, failed.syscall]).toEqual(["MmapError", "ENOEXEC", "load"]);
    const [a, b] = [m.init(), m.init()];
    await Promise.all([a, b]);
    expect(m.mmapSync(null, { length: P }).length).toBe(P);
  });
});
