/**
 * A worker of a page served without COOP/COEP has no SharedArrayBuffer, so
 * no memory can be shared with other workers: the error says which headers
 * the page needs.
 */
import { anymmap, describe, expect, it } from "../harness/browser.js";

describe("shared memory without cross-origin isolation", () => {
  it("createInstance({ sharedMemory: true }) is ENOTSUP naming the headers", () => {
    expect((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated).toBe(false);
    let error: { code?: string; syscall?: string; message?: string } | undefined;
    try {
      anymmap.createInstance({ sharedMemory: true });
    } catch (e) {
      error = e as typeof error;
    }
    expect(anymmap.isMmapError(error)).toBe(true);
    expect(error).toMatchObject({ code: "ENOTSUP", syscall: "createInstance" });
    expect(error!.message).toContain("Cross-Origin-Opener-Policy: same-origin");
    expect(error!.message).toContain("Cross-Origin-Embedder-Policy: require-corp");
  });

  it("share() of the default address space's memory names the headers too", () => {
    const m = anymmap.mmapSync(null, { length: 4096, prot: "rw", flags: "shared" });
    let error: { code?: string; syscall?: string; message?: string } | undefined;
    try {
      m.share();
    } catch (e) {
      error = e as typeof error;
    }
    expect(error).toMatchObject({ code: "ENOTSUP", syscall: "share" });
    expect(error!.message).toContain("Cross-Origin-Opener-Policy: same-origin");
    m.munmap();
  });
});
