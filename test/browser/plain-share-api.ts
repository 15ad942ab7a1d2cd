/**
 * A worker of a page served without COOP/COEP has no SharedArrayBuffer, so
 * no memory can be shared with other workers: the error says which headers
 * the page needs.
 */
import { anymmap, describe, expect, it } from "../harness/browser.js";

describe("shared memory without cross-origin isolation", () => {
  it("createInstance({ sharedMemory: true }) is EOPNOTSUPP naming the headers", () => {
    expect((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated).toBe(false);
    let error: { code?: string; syscall?: string; message?: string } | undefined;
    try {
      anymmap.createInstance({ sharedMemory: true });
    } catch (e) {
      error = e as typeof error;
    }
    expect(anymmap.isMmapError(error)).toBe(true);
    expect(error).toMatchObject({ code: "EOPNOTSUPP", syscall: "createInstance" });
    expect(error!.message).toContain("Cross-Origin-Opener-Policy: same-origin");
    expect(error!.message).toContain("Cross-Origin-Embedder-Policy: require-corp");
  });
});
