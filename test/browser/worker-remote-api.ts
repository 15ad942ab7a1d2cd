/**
 * http(s) URLs as read-only sources in a dedicated worker: Range requests on
 * demand, a server without Range support refused, transient failures
 * retried, a file that changed while mapped reported. The test server's
 * /remote/ files are 1 MiB; byte i is (i * 31 + 7) & 255.
 */
import { anymmap, describe, expect, it } from "../harness/browser.js";

const SIZE = 1 << 20;
const byte = (i: number) => (i * 31 + 7) & 255;
const here = (globalThis as unknown as { location: { href: string } }).location.href;
const url = (name: string) => new URL(`/remote/${name}`, here).href;

function expected(offset: number, length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => byte(offset + i));
}

async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error("expected a rejection");
}

function thrown(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error("expected an error");
}

describe("a URL as a read-only source", () => {
  it("mmapSync(url) reads pages on demand with Range requests, not the whole file", async () => {
    await anymmap.init();
    const space = anymmap.createInstance();
    const m = space.mmapSync(url("range.bin"), { prot: "r", flags: "shared" });
    expect(m.length).toBe(SIZE);
    space.resetHostIO();
    expect(m.read(SIZE - 100, 100)).toEqual(expected(SIZE - 100, 100));
    expect(m.read(12345, 4096)).toEqual(expected(12345, 4096));
    expect(space.hostIO.readBytes).toBeLessThan(SIZE);
    m.munmap();
  });

  it("a windowed mapping of a URL finds bytes across windows", async () => {
    const space = anymmap.createInstance();
    const m = space.mmapWindowedSync(url("range.bin"), { windowSize: 64 * 1024, budget: 128 * 1024 });
    const at = 3 * 64 * 1024 - 2;
    expect(m.find(expected(at, 6), at - 100)).toBe(at);
    expect(m.windowBytes).toBeLessThanOrEqual(128 * 1024);
    m.munmap();
  });

  it("await open(url) gives a read-only FileHandle; writable opens are EACCES", async () => {
    const space = anymmap.createInstance();
    const fh = await space.open(url("range.bin"));
    expect(fh.size()).toBe(SIZE);
    const buf = new Uint8Array(10);
    expect(fh.pread(buf, 500)).toBe(10);
    expect(buf).toEqual(expected(500, 10));
    fh.close();
    expect((await rejection(space.open(url("range.bin"), "r+"))).code).toBe("EACCES");
    expect(thrown(() => space.mmapSync(url("range.bin"), { prot: "rw", flags: "shared" })).code).toBe("EACCES");
  });

  it("a server that ignores Range is refused with ENOTSUP, never downloaded whole", () => {
    const e = thrown(() => anymmap.createInstance().mmapSync(url("norange.bin")));
    expect(e.code).toBe("ENOTSUP");
    expect(e.message).toMatch(/Range/);
  });

  it("a missing URL is ENOENT", () => {
    expect(thrown(() => anymmap.createInstance().openSync(url("missing.bin"))).code).toBe("ENOENT");
  });

  it("transient failures (503) are retried", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(url("flaky.bin"));
    expect(m.read(4096 * 7, 64)).toEqual(expected(4096 * 7, 64));
    m.munmap();
  });

  it("a file whose ETag changed while mapped fails with ESTALE", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(url("changing.bin"));
    const e = thrown(() => m.read(0, 16));
    expect(e.code).toBe("ESTALE");
    expect(e.message).toMatch(/changed/);
    m.munmap();
  });

  it("a 206 of another range than asked for is EIO; another total size is ESTALE", () => {
    const space = anymmap.createInstance();
    const shifted = space.mmapSync(url("shifted.bin"));
    expect(thrown(() => shifted.read(4096 * 3, 16)).code).toBe("EIO");
    const resized = space.mmapSync(url("resized.bin"));
    expect(thrown(() => resized.read(4096 * 3, 16)).code).toBe("ESTALE");
  });

  it("a server that stops answering: the read fails with ETIMEDOUT after `timeout` ms, and the mapping stays usable", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(url("hanging.bin"), { timeout: 1500 });
    const e = thrown(() => m.read(4096 * 5, 16));
    expect(e.code).toBe("ETIMEDOUT");
    expect(e.message).toMatch(/timeout/);
    expect(thrown(() => space.mmapWindowedSync(url("hanging.bin"), { timeout: 1500 }).read(8192, 4)).code).toBe(
      "ETIMEDOUT",
    );
    m.munmap();
  });

  it("an aborted signal: the open and every later read are ECANCELED", () => {
    const controller = new AbortController();
    const space = anymmap.createInstance();
    const m = space.mmapSync(url("range.bin"), { signal: controller.signal });
    expect(m.read(0, 4)).toEqual(expected(0, 4));
    controller.abort();
    const e = thrown(() => m.read(SIZE - 4, 4));
    expect(e.code).toBe("ECANCELED");
    expect(e.message).toMatch(/aborted/);
    expect(thrown(() => space.mmapSync(url("range.bin"), { signal: controller.signal })).code).toBe("ECANCELED");
    m.munmap();
  });
});
