/**
 * OPFS quota errors, for real: test/browser.test.ts lowers the origin's
 * quota to its usage + 4 MiB (CDP Storage.overrideQuotaForOrigin) before it
 * runs this file in a dedicated worker, so Chromium itself throws
 * QuotaExceededError. Writing back dirty pages never allocates (msync writes
 * inside the file), so what can run out of quota is growing a file:
 * truncate() and pwrite() past the end. Both fail with ENOSPC and change
 * nothing; the mapping keeps working and its data reaches the file.
 */
import { anymmap, describe, expect, it, pattern } from "../harness/browser.js";
import { freshPath, readFile, rejection, writeFile } from "./opfs.js";

const P = 4096;
const MiB = 1 << 20;

describe("OPFS over quota (QuotaExceededError → ENOSPC)", () => {
  it("growing a mapped file past the quota fails with ENOSPC; the mapping and its dirty pages are unharmed", async () => {
    const path = freshPath("quota");
    const data = pattern(MiB, 9);
    await writeFile(path, data);
    const space = anymmap.createInstance();
    const file = await space.open(path, "r+");
    const m = space.mmapSync(file, { prot: "rw", flags: "shared" });
    m.write("dirty before the failure", 10 * P);

    const grow = await rejection(() => file.truncate(64 * MiB));
    expect({ code: grow.code, syscall: grow.syscall }).toEqual({ code: "ENOSPC", syscall: "ftruncate" });
    const append = await rejection(() => file.pwrite(new Uint8Array(P).fill(1), 64 * MiB));
    expect({ code: append.code, syscall: append.syscall }).toEqual({ code: "ENOSPC", syscall: "pwrite" });
    expect(file.size()).toBe(MiB);

    m.write("dirty after the failure", 200 * P);
    m.msync();
    m.munmap();
    file.close();
    const expected = data.slice();
    expected.set(new TextEncoder().encode("dirty before the failure"), 10 * P);
    expected.set(new TextEncoder().encode("dirty after the failure"), 200 * P);
    expect(await readFile(path)).toEqual(expected);
  });
});
