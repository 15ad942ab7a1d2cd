/**
 * Resources: many map/touch/unmap cycles in one instance (anonymous private
 * and shared, file shared and private; 1-4 pages; by path or through a
 * FileHandle that is closed before or after the munmap; whole and partial
 * munmaps) give back everything: info().mappings and info().residentBytes
 * return to their start values after every cycle, the process's open file
 * descriptors (/proc/self/fd) to theirs, and RSS stays within a bound.
 *
 * The RSS bound: WebAssembly never gives memory back to the OS, and anymmap
 * does not reuse a freed page until 64 MiB more have been freed after it (the
 * quarantine of wasm/src/quarantine.c, QUARANTINE_PAGES = 16384), so the touched part
 * of linear memory may grow by up to 64 MiB (plus the engine's per-page
 * tables over those addresses, 15 bytes a page: under 1 MiB) before it is
 * reused; 32 MiB more of slack for allocator and page-table noise: RSS stays
 * under start + 96 MiB, measured after a warm-up, not counting the V8 heap
 * (process.memoryUsage().heapTotal), whose reservation follows V8's own
 * policy and grows with GC lag when the machine is busy (+20..50 MiB here).
 * The JavaScript side is checked for leaks instead: after a forced GC,
 * heapUsed is back within 16 MiB of its start.
 *
 * Every touch also checks the bytes: fresh anonymous pages read zeros (a
 * reused page must never show old data) and file pages the file's bytes.
 * CI: 2·10^4 cycles; ANYMMAP_SOAK=1 (npm run test:soak): 10^5;
 * ANYMMAP_RESOURCE_CYCLES overrides both.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as v8 from "node:v8";
import * as vm from "node:vm";
import { afterAll, describe, expect, it } from "vitest";

import { createInstance, type FileHandle, type Mapping } from "../dist/node.js";

const PAGE = 4096;
const MiB = 1 << 20;
const SOAK = process.env.ANYMMAP_SOAK === "1";
const CYCLES = Number(process.env.ANYMMAP_RESOURCE_CYCLES ?? (SOAK ? 100_000 : 20_000));
const RSS_BOUND = 96 * MiB;
const FILE_PAGES = 6;

const root = fs.mkdtempSync(path.join(os.tmpdir(), "anymmap-resources-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const openFds = () => fs.readdirSync("/proc/self/fd").length;

/** A full garbage collection, without starting node with --expose-gc. */
function collectGarbage(): void {
  v8.setFlagsFromString("--expose-gc");
  (vm.runInNewContext("gc") as () => void)();
}

/** RSS without the V8 heap: what the engine's memory and the rest of the process hold. */
const nativeRss = () => {
  const u = process.memoryUsage();
  return { rss: u.rss, native: u.rss - u.heapTotal };
};

/** mulberry32 */
function rng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n) >>> 0;
  };
}

describe.runIf(process.platform === "linux")("map/touch/unmap cycles give every resource back", () => {
  it(`${CYCLES} cycles: mappings, resident bytes and descriptors return to their start values; RSS stays under start + 96 MiB (V8 heap aside)`, () => {
    const space = createInstance();
    const r = rng(0xc0ffee);
    // Four files whose contents the test keeps in step with the shared writes.
    const files = [0, 1, 2, 3].map((i) => {
      const p = path.join(root, `f${i}`);
      const bytes = new Uint8Array(FILE_PAGES * PAGE - (i % 2) * 1000);
      for (let k = 0; k < bytes.length; k++) bytes[k] = (k * 31 + i * 7) & 0xff;
      fs.writeFileSync(p, bytes);
      return { path: p, bytes };
    });

    let stamp = 0;
    const cycle = (): void => {
      const kind = r(4); // 0 anon private, 1 anon shared, 2 file shared, 3 file private
      const pages = 1 + r(4);
      let m: Mapping;
      let handle: FileHandle | null = null;
      let closeFirst = false;
      let file = files[0]!;
      let fileOff = 0;
      if (kind < 2) {
        m = space.mmapSync(null, { length: pages * PAGE, prot: "rw", flags: kind === 0 ? "private" : "shared" });
      } else {
        file = files[r(files.length)]!;
        fileOff = r(3) * PAGE;
        const options = {
          prot: "rw" as const,
          flags: kind === 2 ? ("shared" as const) : ("private" as const),
          offset: fileOff,
          length: pages * PAGE,
        };
        if (r(2)) {
          m = space.mmapSync(file.path, options);
        } else {
          handle = space.openSync(file.path, "r+");
          m = space.mmapSync(handle, options);
          closeFirst = r(2) === 1;
          // Closing does not unmap: the engine keeps the file open until the munmap.
          if (closeFirst) handle.close();
        }
      }
      const view = m.view(0, Math.min(m.length, kind < 2 ? m.length : file.bytes.length - fileOff), "write");
      for (let p = 0; p * PAGE < view.length; p++) {
        const at = p * PAGE + r(Math.min(PAGE, view.length - p * PAGE));
        const expected = kind < 2 ? 0 : file.bytes[fileOff + at]!;
        if (view[at] !== expected) {
          expect.fail(`cycle ${stamp}: kind ${kind} page ${p} byte ${at} is ${view[at]}, expected ${expected}`);
        }
        const value = (stamp + p) & 0xff;
        view[at] = value;
        if (kind === 2) file.bytes[fileOff + at] = value;
        if (view[at] !== value) expect.fail(`cycle ${stamp}: a store did not stick`);
      }
      if (pages > 1 && r(3) === 0) {
        m.munmap(PAGE * r(pages), PAGE);
        m.munmap();
      } else {
        m.munmap();
      }
      if (handle && !closeFirst) handle.close();
      stamp++;
    };

    const info0 = space.info();
    const fds0 = openFds();
    for (let i = 0; i < 200; i++) cycle(); // warm-up: engine, JIT, file table
    collectGarbage();
    const heap0 = process.memoryUsage().heapUsed;
    const start = nativeRss();
    let rssMax = start.rss;
    let nativeMax = start.native;
    const sample = () => {
      const now = nativeRss();
      rssMax = Math.max(rssMax, now.rss);
      nativeMax = Math.max(nativeMax, now.native);
    };
    for (let i = 0; i < CYCLES; i++) {
      cycle();
      const info = space.info();
      if (info.mappings !== info0.mappings || info.residentBytes !== info0.residentBytes) {
        expect.fail(
          `after cycle ${i}: ${info.mappings} mappings and ${info.residentBytes} resident bytes, expected ${info0.mappings} and ${info0.residentBytes}`,
        );
      }
      if (i % 1000 === 999) {
        expect(openFds(), `open descriptors after cycle ${i}`).toBe(fds0);
        sample();
      }
    }
    sample();
    collectGarbage();
    const heapGrowth = process.memoryUsage().heapUsed - heap0;
    const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;
    console.log(
      `resources: ${CYCLES} cycles; RSS ${mib(start.rss)} after warm-up, at most ${mib(rssMax)} (+${mib(rssMax - start.rss)}); ` +
        `without the V8 heap +${mib(nativeMax - start.native)} (bound +${RSS_BOUND / MiB} MiB); ` +
        `JS heap after GC ${heapGrowth >= 0 ? "+" : ""}${mib(heapGrowth)}; ${fds0} descriptors`,
    );
    expect(space.info()).toMatchObject({ mappings: info0.mappings, residentBytes: info0.residentBytes });
    expect(openFds()).toBe(fds0);
    expect(nativeMax - start.native).toBeLessThanOrEqual(RSS_BOUND);
    expect(heapGrowth).toBeLessThanOrEqual(16 * MiB);
    for (const f of files) expect(new Uint8Array(fs.readFileSync(f.path)), f.path).toEqual(f.bytes);
  }, 300_000);
});

// Shared anonymous memory handed from one address space to another (as to a
// worker) and unmapped in either order: the memfds of the native backend and
// the pages the WASM engine keeps for attached sides all come back.
describe.runIf(process.platform === "linux")("share/attach cycles give every resource back", () => {
  const SHARE_CYCLES = Math.max(1, Math.floor(CYCLES / 10));
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  for (const backend of ["wasm", "native"] as const) {
    it(`${backend}: ${SHARE_CYCLES} cycles of share, attach and munmap: mappings, resident bytes and descriptors return to their start values`, () => {
      const sharer = createInstance({ sharedMemory: true });
      const other = createInstance({ sharedMemory: true });
      const map = (pages: number) =>
        sharer.mmapSync(null, { length: pages * PAGE, prot: "rw", flags: "shared", backend });
      // Warm-up: the first mapping loads the engine (and the addon).
      const warm = map(1);
      other.attach(warm.share()).munmap();
      warm.munmap();
      const state = () => ({
        sharer: sharer.info().mappings,
        other: other.info().mappings,
        resident: sharer.info().residentBytes,
        fds: openFds(),
      });
      const start = state();
      for (let i = 0; i < SHARE_CYCLES; i++) {
        const m = map(1 + (i % 4));
        m.write(`cycle ${i}`, 0);
        const a = other.attach(m.share());
        if (text(a.read(0, `cycle ${i}`.length)) !== `cycle ${i}`)
          expect.fail(`cycle ${i}: the attached side does not see the sharer's bytes`);
        a.write("!", m.length - 1);
        if (m.read(m.length - 1, 1)[0] !== 33)
          expect.fail(`cycle ${i}: the sharer does not see the attached side's bytes`);
        if (i % 2 === 0) {
          m.munmap();
          a.munmap();
        } else {
          a.munmap();
          m.munmap();
        }
      }
      expect(state()).toEqual(start);
    }, 300_000);
  }
});
