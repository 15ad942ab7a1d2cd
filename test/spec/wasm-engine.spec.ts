/**
 * The WASM engine's limits and isolation, on a fresh address space
 * (createInstance) so that nothing else is mapped there. Runs in every
 * runtime and project: `backend: "wasm"` asks for the engine explicitly.
 */
import { anymmap, describe, expect, expectMmapError, it } from "../harness/index.js";

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
});
