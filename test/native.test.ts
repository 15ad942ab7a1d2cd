/**
 * The native backend (the kernel's mmap through the N-API addon) when users
 * do what C would punish: use views after munmap, write through views of
 * read-only or PROT_NONE memory, keep views of parts that were unmapped.
 * None of it may crash the process or reach the file. Also: offsets past
 * 4 GiB, mappings larger than one ArrayBuffer, and how the backend is chosen.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

import * as anymmap from "../dist/node.js";
import { assertions } from "./harness/helpers.js";

const { expectMmapError } = assertions(expect);

const P = 4096;
const GiB = 2 ** 30;
const dir = mkdtempSync(join(tmpdir(), "anymmap-native-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(bytes: Uint8Array | string): string {
  const path = join(dir, `f${n++}`);
  writeFileSync(path, bytes);
  return path;
}
const native = { backend: "native" } as const;
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe("native: the addon is built and chosen", () => {
  it("is the default backend in Node when ANYMMAP_BACKEND does not say otherwise", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: P, prot: "rw", ...native });
    expect(m.backend).toBe("native");
    // Addresses are the kernel's: user space on x86-64, above the WASM engine's 4 GiB.
    expect(m.address).toBeGreaterThan(2 ** 32);
    m.munmap();
  });

  it("backend per call: both engines in one address space, each mapping on its own", () => {
    const path = file("both engines");
    const space = anymmap.createInstance();
    const w = space.mmapSync(path, { backend: "wasm" });
    const k = space.mmapSync(path, native);
    expect([w.backend, k.backend]).toEqual(["wasm", "native"]);
    expect(text(w.read(0, 12))).toBe("both engines");
    expect(text(k.read(0, 12))).toBe("both engines");
    expect(space.info().mappings).toBe(2);
    // Address-level calls reach the engine that owns the address.
    expect(Array.from(space.mincore(k.address, P))).toEqual([1]);
    space.munmap(k.address, P);
    expect(k.mapped).toBe(false);
    w.munmap();
  });

  it("a FileHandle maps only with the backend it was opened for", () => {
    const path = file("handle");
    const space = anymmap.createInstance();
    const h = space.openSync(path, "r", undefined, "native");
    expect(h.backend).toBe("native");
    expect(space.mmapSync(h).backend).toBe("native");
    const e = expectMmapError(() => space.mmapSync(h, { backend: "wasm" }), "EINVAL", "mmap");
    expect(e.message).toContain("native");
    h.close();
  });

  it("rejects an unknown backend with EINVAL", () => {
    expectMmapError(
      () => anymmap.createInstance().mmapSync(null, { length: P, backend: "kernel" as never }),
      "EINVAL",
      "mmap",
    );
  });

  it("ANYMMAP_BACKEND=wasm makes WASM the default, and info() says why native is not in use", () => {
    const root = fileURLToPath(new URL("..", import.meta.url));
    const script = `import("./dist/node.js").then((a) => console.log(JSON.stringify({ backend: a.backend, info: a.info(), m: a.mmapSync(null, { length: 4096 }).backend, n: a.mmapSync(null, { length: 4096, backend: "native" }).backend })))`;
    const r = spawnSync(process.execPath, ["-e", script], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, ANYMMAP_BACKEND: "wasm" },
    });
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as { backend: string; info: anymmap.Info; m: string; n: string };
    expect(out.backend).toBe("wasm");
    expect(out.info.backend).toBe("wasm");
    expect(out.info.nativeUnavailable).toContain("ANYMMAP_BACKEND=wasm");
    expect(out.m).toBe("wasm");
    expect(out.n).toBe("native");
  });
});

describe("native: views never crash the process", () => {
  it("munmap while views exist: views keep their length and read zeros; writes through them reach neither the file nor another mapping", () => {
    const path = file(new Uint8Array(4 * P).fill(0x41));
    const m = anymmap.mmapSync(path, { prot: "rw", flags: "shared", ...native });
    const whole = m.bytes;
    const part = m.view(P, P, "write");
    const words = new Uint32Array(whole.buffer, 0, 8);
    const at = m.address;
    m.munmap();
    // Not detached (a detach would slow every typed-array access in V8 down): zero pages stand in for the file.
    expect([whole.length, part.length, words.length, whole.buffer.byteLength]).toEqual([4 * P, P, 8, 4 * P]);
    expect(whole.every((b) => b === 0)).toBe(true);
    part[0] = 7;
    words[1] = 0x01020304;
    whole.fill(9, 2 * P, 3 * P);
    expect([part[0], whole[4], whole[2 * P]]).toEqual([7, 4, 9]);
    expect(readFileSync(path)).toEqual(Buffer.alloc(4 * P, 0x41));
    expectMmapError(() => m.read(0, 1), "EFAULT", "access");
    // New mappings never land under the stale views while they may be used.
    const others = Array.from({ length: 16 }, () => {
      const o = anymmap.mmapSync(path, { prot: "rw", flags: "shared", ...native });
      expect(o.read(0, 4)).toEqual(new Uint8Array(4).fill(0x41));
      return o;
    });
    for (const o of others) {
      expect(o.address + o.length <= at || o.address >= at + 4 * P).toBe(true);
      o.write(new Uint8Array(4 * P).fill(0x42), 0);
    }
    expect(part[0]).toBe(7);
    expect(whole[P + 1]).toBe(0);
    expect(whole.subarray(3 * P).every((b) => b === 0)).toBe(true);
    for (const o of others) o.munmap();
    expect(readFileSync(path)).toEqual(Buffer.alloc(4 * P, 0x42));
  });

  it("a write through a view of a read-only shared mapping never reaches the file", () => {
    const path = file(new Uint8Array(2 * P).fill(0x61));
    const ro = anymmap.mmapSync(path, { prot: "r", flags: "shared", ...native });
    const view = ro.bytes;
    view[0] = 0x7a;
    view.fill(0x7a, P, P + 10);
    ro.msync();
    expect(readFileSync(path)).toEqual(Buffer.alloc(2 * P, 0x61));
    expectMmapError(() => ro.write("no"), "EACCES", "access");
    ro.munmap();
    expect(readFileSync(path)).toEqual(Buffer.alloc(2 * P, 0x61));
  });

  it("a read-only shared mapping still sees the file's new bytes (it is not a copy)", () => {
    const path = file(new Uint8Array(P).fill(1));
    const ro = anymmap.mmapSync(path, { prot: "r", ...native });
    const rw = anymmap.mmapSync(path, { prot: "rw", flags: "shared", ...native });
    rw.write("seen", 0);
    expect(text(ro.read(0, 4))).toBe("seen");
    rw.munmap();
    ro.munmap();
  });

  it("mprotect to read-only or PROT_NONE: old write views neither crash nor reach the file; the API refuses", () => {
    const path = file(new Uint8Array(2 * P).fill(0x30));
    const m = anymmap.mmapSync(path, { prot: "rw", flags: "shared", ...native });
    const view = m.view(0, 2 * P, "write");
    view[0] = 0x31;
    m.mprotect("r");
    view[1] = 0x32;
    m.mprotect("none", P, P);
    view[P] = 0x33;
    expect(view[P]).toBe(0x33);
    expectMmapError(() => m.read(P, 1), "EACCES", "access");
    expectMmapError(() => m.write("x", 0), "EACCES", "access");
    m.msync();
    const onDisk = readFileSync(path);
    expect([onDisk[0], onDisk[1], onDisk[P]]).toEqual([0x31, 0x30, 0x30]);
    // Writable again: what was written while read-only is gone, the file's bytes are back.
    m.mprotect("rw");
    expect(Array.from(m.read(0, 2))).toEqual([0x31, 0x30]);
    m.write("ok", P);
    m.munmap();
    expect(text(readFileSync(path).subarray(P, P + 2))).toBe("ok");
  });

  it("a stale view of an unmapped part reads zeros, never another mapping's bytes, until the whole mapping goes", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 4 * P, prot: "rw", ...native });
    m.write(new Uint8Array(4 * P).fill(0xee), 0);
    const stale = m.view(0, 4 * P);
    m.munmap(P, 2 * P);
    expect(stale.length).toBe(4 * P);
    expect(stale.subarray(P, 3 * P).every((b) => b === 0)).toBe(true);
    stale.fill(5, P, 3 * P);
    // New mappings do not land in the hole: it is still this mapping's until it is wholly unmapped.
    const others = Array.from({ length: 8 }, () => space.mmapSync(null, { length: P, prot: "rw", ...native }));
    for (const o of others) {
      o.write(new Uint8Array(P).fill(0xbb), 0);
      expect(o.address < m.address + P || o.address >= m.address + 3 * P).toBe(true);
    }
    expect(stale.subarray(P, 3 * P).every((b) => b === 5)).toBe(true);
    expect(stale[0]).toBe(0xee);
    m.munmap();
    // Wholly unmapped: all of it zero pages now, still this range's own.
    expect(stale.length).toBe(4 * P);
    expect(stale.every((b) => b === 0)).toBe(true);
    for (const o of others) {
      expect(o.read(0, 1)[0]).toBe(0xbb);
      o.munmap();
    }
  });

  it("mremap that moves: old views keep their length and read zeros once nothing of the old pages is mapped, the bytes move", () => {
    const space = anymmap.createInstance();
    // A stretch the kernel has just handed out and taken back: the page after m is free for the blocker.
    const probe = space.mmapSync(null, { length: 16 * P, ...native });
    probe.munmap();
    const m = space.mmapSync(null, { length: 2 * P, prot: "rw", address: probe.address, ...native });
    const block = space.mmapSync(null, {
      length: P,
      prot: "r",
      address: m.address + 2 * P,
      flags: "private|fixed",
      ...native,
    });
    m.write("moving", 0);
    const old = m.bytes;
    m.mremap(8 * P, "maymove");
    expect(m.address).not.toBe(block.address - 2 * P);
    expect(text(m.read(0, 6))).toBe("moving");
    expect(old.length).toBe(2 * P);
    expect(old.every((b) => b === 0)).toBe(true);
    old[0] = 1;
    expect(text(m.read(0, 6))).toBe("moving");
    block.munmap();
    m.munmap();
  });

  it("a MAP_FIXED over a released mapping's zero pages detaches the stale views there first", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: 4 * P, prot: "rw", ...native });
    m.write(new Uint8Array(4 * P).fill(0x11), 0);
    const at = m.address;
    const stale = m.view(0, 4 * P, "write");
    m.munmap();
    expect(stale.length).toBe(4 * P);
    const fixed = space.mmapSync(null, {
      length: 2 * P,
      prot: "rw",
      flags: "private|fixed",
      address: at + P,
      ...native,
    });
    expect(fixed.address).toBe(at + P);
    // The one case that detaches: the new mapping must never be reachable through the stale view.
    expect(stale.length).toBe(0);
    stale[P] = 0x55;
    expect(fixed.read()).toEqual(new Uint8Array(2 * P));
    fixed.write(new Uint8Array(2 * P).fill(0x22), 0);
    expect(stale[P]).toBeUndefined();
    fixed.munmap();
  });

  it.skipIf(process.platform !== "linux")(
    "thousands of map + view + munmap cycles do not accumulate VMAs: released ranges are capped, and go once their views are garbage",
    () => {
      // A process of its own with --expose-gc; hints space the mappings apart so that the kernel cannot merge their VMAs.
      const script = `
        import * as anymmap from "./dist/node.js";
        import { readFileSync } from "node:fs";
        const P = 4096, N = 3000, STEP = 32 * P;
        const vmas = () => readFileSync("/proc/self/maps", "utf8").split("\\n").length;
        const space = anymmap.createInstance();
        const probe = space.mmapSync(null, { length: N * STEP, backend: "native" });
        const base = probe.address;
        probe.munmap();
        const cycle = (i) => {
          const m = space.mmapSync(null, { length: 16 * P, prot: "rw", address: base + i * STEP, backend: "native" });
          m.view(0, P, "write")[0] = 1;
          m.munmap();
        };
        const before = vmas();
        // Synchronous: no finalizer can run in between, only the cap bounds what is kept.
        for (let i = 0; i < N; i++) cycle(i);
        const sync = vmas() - before;
        for (let round = 0; round < 3; round++) {
          globalThis.gc();
          for (let k = 0; k < 3; k++) await new Promise((r) => setImmediate(r));
        }
        const collected = vmas() - before;
        console.log(JSON.stringify({ sync, collected }));
      `;
      const r = spawnSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", script], {
        cwd: fileURLToPath(new URL("..", import.meta.url)),
        encoding: "utf8",
      });
      expect(r.stderr).toBe("");
      const { sync, collected } = JSON.parse(r.stdout) as { sync: number; collected: number };
      // Kept as zero pages up to the cap (1,024 ranges), then detached and unmapped: never one VMA per cycle.
      expect(sync).toBeGreaterThan(500);
      expect(sync).toBeLessThan(1100);
      expect(collected).toBeLessThan(50);
    },
  );

  it("a page wholly past the end of the file is EFAULT (SIGBUS) from the API, not a signal", () => {
    const path = file("short");
    const m = anymmap.mmapSync(path, { length: 3 * P, ...native });
    expect(text(m.read(0, 5))).toBe("short");
    expectMmapError(() => m.read(P, 1), "EFAULT", "access");
    expectMmapError(() => m.bytes, "EFAULT", "access");
    m.munmap();
  });

  it("pages past the end of the file are zero pages to raw views: at mmap, and after a truncate through anymmap", () => {
    const path = file(new Uint8Array(100).fill(0x55));
    const h = anymmap.openSync(path, "r+", undefined, "native");
    const m = anymmap.mmapSync(h, { prot: "rw", flags: "shared", length: 4 * P });
    // The whole region through a derived array: the C program's SIGBUS is a zero here.
    const all = new Uint8Array(m.view(0, 100).buffer);
    expect([all[99], all[100], all[2 * P], all[4 * P - 1]]).toEqual([0x55, 0, 0, 0]);
    h.truncate(4 * P);
    m.write("grown", 3 * P);
    expect(text(all.subarray(3 * P, 3 * P + 5))).toBe("grown");
    h.truncate(P);
    expect(all[3 * P]).toBe(0);
    all[3 * P] = 1;
    expectMmapError(() => m.read(3 * P, 1), "EFAULT", "access");
    h.truncate(4 * P);
    expect(Array.from(m.read(3 * P, 5))).toEqual([0, 0, 0, 0, 0]);
    m.munmap();
    h.close();
  });

  it("MAP_FIXED never replaces memory this address space does not own", () => {
    const space = anymmap.createInstance();
    const m = space.mmapSync(null, { length: P, prot: "rw", ...native });
    const other = anymmap.createInstance();
    const e = expectMmapError(
      () => other.mmapSync(null, { length: P, prot: "rw", address: m.address, flags: "private|fixed", ...native }),
      "EEXIST",
      "mmap",
    );
    expect(e.message).toContain("not this address space");
    m.munmap();
  });

  it("rejects advice that could poison the process (MADV_HWPOISON) with EINVAL", () => {
    const m = anymmap.mmapSync(null, { length: P, prot: "rw", ...native });
    expectMmapError(() => m.madvise(100), "EINVAL", "madvise");
    m.write("alive", 0);
    expect(text(m.read(0, 5))).toBe("alive");
    m.munmap();
  });
});

describe("native: descriptors of mapped files", () => {
  const openDescriptors = () => readdirSync("/proc/self/fd").length;

  // mmapSync(path) gives the mapping the descriptor it opened (no dup): it must be closed exactly once, by the last user.
  it.skipIf(process.platform !== "linux")(
    "path mappings keep one descriptor per file while mapped and none after munmap, whatever the order",
    () => {
      const space = anymmap.createInstance();
      const before = openDescriptors();
      const name = (i: number) => `file ${String(i).padStart(2, "0")}`;
      const paths = Array.from({ length: 20 }, (_, i) => file(name(i).padEnd(P, ".")));
      const maps = paths.map((p, i) => space.mmapSync(p, { ...native, prot: i % 2 ? "rw" : "r", flags: "shared" }));
      // The same files by path again, and through a handle that closes at once: the first mappings' descriptors serve them.
      const again = space.mmapSync(paths[1]!, { ...native, prot: "rw", flags: "shared" });
      const handle = space.openSync(paths[0]!, "r", undefined, "native");
      const viaHandle = space.mmapSync(handle, { prot: "r", flags: "shared" });
      handle.close();
      expect(openDescriptors()).toBe(before + 20);
      expect(maps.map((m) => text(m.read(0, 7)))).toEqual(paths.map((_, i) => name(i)));
      // The first mappings go first: the others still read their files, and mprotect (which maps the file
      // again with its descriptor) and msync still reach them.
      maps[0]!.munmap();
      maps[1]!.munmap();
      expect(text(viaHandle.read(0, 7))).toBe(name(0));
      again.mprotect("r");
      again.mprotect("rw");
      again.write("written", 0);
      again.msync();
      expect(readFileSync(paths[1]!, "latin1").slice(0, 7)).toBe("written");
      for (const m of [...maps, again, viaHandle]) m.munmap();
      expect(openDescriptors()).toBe(before);
    },
  );
});

describe("native: offsets past 4 GiB and mappings larger than one ArrayBuffer", () => {
  it("maps a window at 5 GiB of a 6 GiB sparse file and reads exactly its bytes", () => {
    const path = file("");
    truncateSync(path, 6 * GiB);
    const fd = anymmap.openSync(path, "r+", undefined, "native");
    fd.pwrite(new TextEncoder().encode("at 1 GiB"), GiB);
    fd.pwrite(new TextEncoder().encode("at 5 GiB"), 5 * GiB);
    const m = anymmap.mmapSync(fd, { prot: "rw", offset: 5 * GiB, length: 2 * P });
    expect(text(m.read(0, 8))).toBe("at 5 GiB");
    m.write("written!", P);
    m.msync();
    const back = new Uint8Array(8);
    fd.pread(back, 5 * GiB + P);
    expect(text(back)).toBe("written!");
    m.munmap();
    fd.close();
  });

  it("refuses a mapping larger than Node's largest external ArrayBuffer (4 GiB) with ENOMEM that says so", () => {
    const path = file("");
    truncateSync(path, 5 * GiB);
    const e = expectMmapError(() => anymmap.mmapSync(path, native), "ENOMEM", "mmap");
    expect(e.message).toContain("ArrayBuffer");
    expect(e.message).toContain("window");
  });
});

describe("native: V8's garbage collector and mapped memory (Node)", () => {
  it("views of random pages set off no full garbage collection (V8 counts none of their 64 KiB buffers)", () => {
    // V8 starts a full collection each time its count of external memory grows by 64 MiB,
    // which can never free mapped pages. 8,000 views of distinct 64 KiB chunks made 500 MiB of it.
    const r = spawnSync(
      process.execPath,
      [
        "--trace-gc",
        "--input-type=module",
        "-e",
        `
        const anymmap = await import(${JSON.stringify(new URL("../dist/node.js", import.meta.url).href)});
        const m = anymmap.mmapSync(null, { length: 2 ** 30, prot: "rw", backend: "native" });
        let views = [];
        for (let i = 0; i < 8000; i++) {
          views.push(m.view(((i * 2654435761) % 16384) * 65536, 4096));
          if (views.length > 100) views = [];
        }
        m.munmap();
        console.log("done");
        `,
      ],
      { encoding: "utf8" },
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("done");
    const full = r.stdout.split("\n").filter((l) => l.includes("Mark-Compact"));
    expect(full.length, full.join("\n")).toBeLessThan(2);
  });
});
