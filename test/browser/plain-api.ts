/**
 * A dedicated worker of a page served without COOP/COEP: no
 * SharedArrayBuffer, so no synchronous OPFS paths, and the error says which
 * headers are needed; handles and `await mmap(path)` still work (a sync
 * access handle of this worker's own).
 */
import { anymmap, describe, expect, it, pattern } from "../harness/browser.js";
import { freshPath, rejection, writeFile } from "./opfs.js";

describe("a worker that is not cross-origin isolated", () => {
  it("openSync(path) is ENOTSUP naming the headers; await mmap(path) works", async () => {
    expect((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated).toBe(false);
    const data = pattern(3 * 4096, 9);
    const path = freshPath("plain");
    await writeFile(path, data);
    await anymmap.init();
    const e = await rejection(() => anymmap.openSync(path));
    expect(e.code).toBe("ENOTSUP");
    expect(e.message).toContain("Cross-Origin-Opener-Policy: same-origin");
    expect(e.message).toContain("Cross-Origin-Embedder-Policy: require-corp");
    const m = await anymmap.mmap(path, { prot: "rw", flags: "shared" });
    expect(m.read()).toEqual(data);
    m.write("direct", 0);
    m.munmap();
    const back = await anymmap.mmap(path);
    expect(new TextDecoder().decode(back.read(0, 6))).toBe("direct");
  });
});
