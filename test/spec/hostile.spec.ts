/**
 * Hostile callers, at random: thousands of public calls with arguments drawn
 * from what the types forbid (NaN, negative and huge numbers, strings with
 * NUL, symbols, BigInts, detached and shared buffers, views of other
 * mappings, objects whose valueOf throws, closed handles, unmapped
 * mappings, special files). Every call either works or throws an MmapError
 * with a POSIX code, its Linux errno and the syscall; an exception of the
 * caller's own objects passes through unchanged; nothing else is ever
 * thrown, and another address space's mapping and a file nobody opened for
 * writing (though a raw view of its read-only mapping is among the
 * buffers) keep their bytes. A fixed seed, so every runtime and backend runs
 * the same calls.
 */
import { anymmap, beforeEach, describe, expect, fx, it, LINUX_ERRNO } from "../harness/index.js";

// Every test asserts something, on every backend: one that checks nothing fails.
beforeEach(() => expect.hasAssertions());

const P = anymmap.pageSize;
const CALLS = 3000;

type Space = ReturnType<typeof anymmap.createInstance>;
type Call = () => unknown;

/** The caller's own exceptions: they may pass through, as from any JavaScript API. */
class CallerError extends Error {}

function hostileCalls(seed: number) {
  let state = seed;
  const random = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];
  return { random, pick };
}

describe("hostile arguments, at random", () => {
  it(`${CALLS} calls with arguments the types forbid: each works or is an MmapError; nothing else is touched`, () => {
    const { random, pick } = hostileCalls(20261206);
    const files = [1, 2, 3].map((i) => fx.file(new Uint8Array(i * 3 * P + 100).fill(i), `hostile-${i}`));
    const untouched = fx.file(new Uint8Array(2 * P).fill(0x5a), "hostile-untouched");
    const elsewhere = anymmap.createInstance();
    const bystander = elsewhere.mmapSync(null, { length: 2 * P, prot: "rw" });
    bystander.write(new Uint8Array(2 * P).fill(0xa5), 0);
    // A raw view of a read-only mapping of `untouched`, handed to the hostile calls as a buffer: writes into it
    // change memory (no MMU in WASM; a private copy on the native backend) and must never reach the file.
    const readOnly = elsewhere.mmapSync(untouched, { prot: "r" });

    const space: Space = anymmap.createInstance();
    const maps: Array<ReturnType<Space["mmapSync"]>> = [];
    const handles: Array<ReturnType<Space["openSync"]>> = [];
    const windows: Array<ReturnType<Space["mmapWindowedSync"]>> = [];
    const throwing = {
      valueOf(): number {
        throw new CallerError("valueOf");
      },
      toString(): string {
        throw new CallerError("toString");
      },
    };
    const detached = () => {
      const buffer = new ArrayBuffer(8);
      const view = new Uint8Array(buffer);
      structuredClone(buffer, { transfer: [buffer] });
      return view;
    };
    const shared = () =>
      typeof SharedArrayBuffer === "function" ? new Uint8Array(new SharedArrayBuffer(P)) : new Uint8Array(P);

    const value = (): unknown => {
      const r = random();
      if (r < 0.35) return pick([0, P, 2 * P, 3 * P, 1, 100, P - 1, P + 1, 8 * P, 16 * P]);
      if (r < 0.5) {
        return pick([-1, -P, NaN, Infinity, -Infinity, -0, 2 ** 31, 2 ** 32, 2 ** 32 - P, 2 ** 53, 2 ** 53 + 2, 1.5]);
      }
      if (r < 0.6) {
        return pick([
          "rw",
          "r",
          "shared",
          "private",
          "sync",
          "invalidate",
          "dontneed",
          "maymove",
          "",
          "\0",
          "r\0",
          "4096",
        ]);
      }
      if (r < 0.7) return pick([null, undefined, {}, [], true, Symbol("hostile"), 4096n, throwing, () => 1]);
      if (r < 0.85) {
        return pick([
          new Uint8Array(0),
          new Uint8Array(P),
          new Uint8Array(3 * P + 7),
          detached(),
          shared(),
          new Uint16Array(10),
          new DataView(new ArrayBuffer(8)),
          readOnly.bytes,
        ]);
      }
      const m = pick(maps);
      try {
        return m && pick([m.bytes, m.view(0, Math.min(m.length, P))]);
      } catch {
        return undefined;
      }
    };
    const options = (): unknown => {
      if (random() < 0.2) return value();
      const o: Record<string, unknown> = {};
      const sensible: Record<string, unknown[]> = {
        prot: ["r", "rw", "none", 7],
        flags: ["shared", "private", "private|fixed", "shared|populate", "fixed_noreplace|private"],
        backend: [anymmap.backend, "auto", "nope"],
      };
      for (const key of ["prot", "flags", "length", "offset", "address", "backend", "windowSize", "budget"]) {
        if (random() < 0.3) o[key] = random() < 0.5 ? value() : pick(sensible[key] ?? [P, 0]);
      }
      return o;
    };
    type Loose = (...args: unknown[]) => unknown;
    const on = <T>(items: T[], method: string, ...args: unknown[]): unknown => {
      const target = pick(items) as Record<string, Loose> | undefined;
      return target ? target[method]!.apply(target, args) : undefined;
    };
    // A string argument as a path names a file beside the fixtures (so "w+" of "shared" creates nothing elsewhere).
    const pathValue = () => {
      const v = value();
      return typeof v === "string" && v !== "" && !v.includes("\0") ? `${files[0]}.${v}` : v;
    };
    const sources = () => [...files, ...handles, null, "/dev/zero", "/proc/self/maps", `${files[0]}.missing`, ""];
    const calls: Call[] = [
      () => maps.push((space.mmapSync as Loose)(pick([...sources(), pathValue()]), options()) as never),
      () =>
        handles.push(
          (space.openSync as Loose)(
            pick([...files, pathValue()]),
            pick(["r", "r+", "w+", "a", value()]),
            random() < 0.5 ? value() : undefined,
          ) as never,
        ),
      () =>
        windows.push((space.mmapWindowedSync as Loose)(pick([...files, ...handles, pathValue()]), options()) as never),
      () => on(maps, "view", value(), value(), pick(["read", "write", value()])),
      () => on(maps, "read", value(), value()),
      () => on(maps, "readInto", value(), value()),
      () => on(maps, "write", value(), value()),
      () => on(maps, "msync", value(), value(), value()),
      () => on(maps, "munmap", value(), value()),
      () => on(maps, "munmap"),
      () => on(maps, "mprotect", value(), value(), value()),
      () => on(maps, "mremap", value(), value()),
      () => on(maps, "madvise", value(), value(), value()),
      () => on(maps, "mincore", value(), value()),
      () => on(handles, "pread", value(), value()),
      () => on(handles, "pwrite", value(), value()),
      () => on(handles, "truncate", value()),
      () => on(handles, "close"),
      () => on(handles, "size"),
      () => on(windows, "read", value(), value()),
      () => on(windows, "write", value(), value()),
      () => on(windows, "find", value(), value(), value()),
      () => on(windows, "window", value(), value(), value()),
      () => on(windows, "munmap"),
      () => (space.munmap as Loose)(value(), value()),
      () => (space.msync as Loose)(value(), value(), value()),
      () => (space.mprotect as Loose)(value(), value(), value()),
      () => (space.madvise as Loose)(value(), value(), value()),
      () => (space.mincore as Loose)(value(), value()),
    ];

    const unexpected: string[] = [];
    let worked = 0;
    let refused = 0;
    for (let i = 0; i < CALLS; i++) {
      const call = pick(calls)!;
      try {
        call();
        worked++;
      } catch (e) {
        if (e instanceof CallerError) continue;
        const err = e as { name?: unknown; code?: unknown; errno?: unknown; syscall?: unknown; message?: unknown };
        const code = typeof err.code === "string" ? err.code : "";
        if (
          err.name === "MmapError" &&
          code in LINUX_ERRNO &&
          err.errno === LINUX_ERRNO[code as keyof typeof LINUX_ERRNO] &&
          typeof err.syscall === "string" &&
          err.syscall !== ""
        ) {
          refused++;
          continue;
        }
        if (unexpected.length < 10) unexpected.push(`call ${i} (${String(call).slice(6, 60)}): ${String(err.message)}`);
      }
    }
    expect(unexpected).toEqual([]);
    // The generator must reach both outcomes often.
    expect(worked).toBeGreaterThan(CALLS / 10);
    expect(refused).toBeGreaterThan(CALLS / 10);
    expect(bystander.read(0, 2 * P).every((b) => b === 0xa5)).toBe(true);
    expect(fx.read(untouched).every((b) => b === 0x5a)).toBe(true);
    readOnly.munmap();
    expect(fx.read(untouched).every((b) => b === 0x5a)).toBe(true);
    bystander.munmap();
  });
});

describe("empty buffers and empty ranges", () => {
  const detached = () => {
    const buffer = new ArrayBuffer(8);
    const view = new Uint8Array(buffer);
    structuredClone(buffer, { transfer: [buffer] });
    return view;
  };

  it("a detached buffer is an empty one: write, readInto, pread and pwrite move nothing and answer 0", () => {
    const data = new Uint8Array(2 * P).fill(7);
    const path = fx.file(data, "hostile-detached");
    const space = anymmap.createInstance();
    const m = space.mmapSync(path, { prot: "rw", flags: "shared" });
    const h = space.openSync(path, "r+");
    expect(m.write(detached(), 0)).toBe(0);
    expect(m.readInto(detached(), 0)).toBe(0);
    expect(h.pwrite(detached(), 0)).toBe(0);
    expect(h.pread(detached(), 0)).toBe(0);
    h.close();
    m.munmap();
    expect(fx.read(path)).toEqual(data);
  });

  it("openSync's mode -0 is mode 0 (Node's fs aborted the process on -0), and -0 offsets and lengths are 0", () => {
    const path = `${fx.file(new Uint8Array(P))}.minus-zero`;
    const space = anymmap.createInstance();
    const h = space.openSync(path, "w+", -0);
    h.truncate(-0);
    expect(h.size()).toBe(0);
    expect(h.pwrite(new Uint8Array([7]), -0)).toBe(1);
    h.close();
    const m = space.mmapSync(path, { offset: -0, length: P, flags: "private", prot: "rw" });
    expect(m.read(-0, 1)[0]).toBe(7);
    m.munmap();
  });

  it("pread at the largest offset (2^53 - 1) and just below it reads nothing: past the end, as on Linux", () => {
    const path = fx.file(new Uint8Array(P).fill(5), "hostile-far");
    const space = anymmap.createInstance();
    const h = space.openSync(path, "r");
    const buf = new Uint8Array(8).fill(9);
    expect(h.pread(buf, Number.MAX_SAFE_INTEGER)).toBe(0);
    expect(h.pread(buf, Number.MAX_SAFE_INTEGER - 4)).toBe(0);
    expect(h.pread(buf, 2 ** 40)).toBe(0);
    expect(buf).toEqual(new Uint8Array(8).fill(9));
    h.close();
  });

  it("zero bytes at the mapping's end (offset == length) are an empty result, not EFAULT", () => {
    const path = fx.file(new Uint8Array(2 * P).fill(3), "hostile-end");
    // Every instance of its own, so that what lies after the mapping differs between them.
    for (let i = 0; i < 8; i++) {
      const m = anymmap.createInstance().mmapSync(path, { prot: "rw", flags: "shared" });
      expect(m.view(2 * P, 0)).toEqual(new Uint8Array(0));
      expect(m.view(2 * P)).toEqual(new Uint8Array(0));
      expect(m.read(2 * P)).toEqual(new Uint8Array(0));
      expect(m.read(2 * P, 0)).toEqual(new Uint8Array(0));
      expect(m.readInto(new Uint8Array(4), 2 * P)).toBe(0);
      expect(m.write(new Uint8Array(0), 2 * P)).toBe(0);
      expect(m.write("", 2 * P)).toBe(0);
      m.munmap();
    }
  });
});

describe("a view's buffer transferred away", () => {
  // Deno and Bun detach a native view's buffer on transfer (Node marks it
  // untransferable and copies it): the mapping goes on working over new
  // buffers of the same pages.
  const transfer = (buffer: ArrayBufferLike) => {
    try {
      structuredClone(buffer, { transfer: [buffer as ArrayBuffer] });
    } catch {
      // Refused: nothing was detached.
    }
  };

  for (const which of ["view", "bytes"] as const) {
    it.skipIf(anymmap.backend === "wasm")(
      `native: after ${which}'s buffer went, read, write, view and bytes work and reach the file (WASM: every view is of the one WebAssembly memory, which a transfer cannot detach; Node copies all of it)`,
      () => {
        const data = new Uint8Array(4 * P).fill(5);
        const path = fx.file(data, `hostile-transfer-${which}`);
        const space = anymmap.createInstance();
        const m = space.mmapSync(path, { prot: "rw", flags: "shared" });
        transfer((which === "view" ? m.view(0, 16) : m.bytes).buffer);
        expect(m.read(0, 2)).toEqual(new Uint8Array([5, 5]));
        expect(m.write("ok", 0)).toBe(2);
        expect(Array.from(m.view(0, 2))).toEqual([111, 107]);
        expect(m.bytes[1]).toBe(107);
        m.munmap();
        expect(fx.read(path).subarray(0, 3)).toEqual(new Uint8Array([111, 107, 5]));
      },
    );
  }
});

describe("a caller's buffer runs no code of the caller in the middle of a call", () => {
  // A Uint8Array subclass's length getter (or its Symbol.species, which subarray calls) is the caller's code.
  // write() used to read `length` again after its checks: a getter that unmapped the mapping and mapped
  // another file at its address got write() to store into that other file (every runtime and backend).
  it("write(): a length getter that remaps the address to another file never lets the bytes reach that file", () => {
    const pa = fx.file(new Uint8Array(2 * P).fill(1), "hostile-reenter-a");
    const pb = fx.file(new Uint8Array(2 * P).fill(2), "hostile-reenter-b");
    const space = anymmap.createInstance();
    const a = space.mmapSync(pa, { prot: "rw", flags: "shared" });
    let other: ReturnType<typeof space.mmapSync> | undefined;
    let calls = 0;
    class Remapping extends Uint8Array {
      override get length(): number {
        if (++calls === 2) {
          const at = a.address;
          a.munmap();
          other = space.mmapSync(pb, { prot: "rw", flags: "shared|fixed", address: at });
        }
        return super.length;
      }
    }
    const evil = new Remapping(16).fill(0xee);
    try {
      expect(a.write(evil, 0)).toBe(16);
    } catch (e) {
      expect(e).toBeInstanceOf(anymmap.MmapError);
    }
    if (a.mapped) a.munmap();
    other?.munmap();
    expect(fx.read(pb)).toEqual(new Uint8Array(2 * P).fill(2));
  });

  it("no getter or Symbol.species of a caller's Uint8Array subclass runs: write, readInto, pread, pwrite, windowed write/readInto/find", () => {
    const path = fx.file(new Uint8Array(2 * P).fill(4), "hostile-counting");
    const space = anymmap.createInstance();
    let ran = 0;
    class Counting extends Uint8Array {
      override get length(): number {
        ran++;
        return super.length;
      }
      static get [Symbol.species]() {
        ran++;
        return Uint8Array;
      }
    }
    const m = space.mmapSync(path, { prot: "rw", flags: "shared" });
    const h = space.openSync(path, "r+");
    const w = space.mmapWindowedSync(path, { prot: "rw", flags: "shared" });
    const fill = (a: Counting): Counting => {
      a.fill(9);
      ran = 0;
      return a;
    };
    const after: Record<string, number> = {};
    const count = (name: string, result: number): number => {
      after[name] = ran;
      ran = 0;
      return result;
    };
    ran = 0;
    expect(count("write", m.write(fill(new Counting(8)), 0))).toBe(8);
    expect(count("readInto", m.readInto(new Counting(8), 0))).toBe(8);
    expect(count("pwrite", h.pwrite(fill(new Counting(8)), 8))).toBe(8);
    expect(count("pread", h.pread(new Counting(8), 0))).toBe(8);
    expect(count("windowed write", w.write(fill(new Counting(8)), P))).toBe(8);
    expect(count("windowed readInto", w.readInto(new Counting(8), P))).toBe(8);
    expect(count("find", w.find(fill(new Counting(4))))).toBe(0);
    expect(after).toEqual({
      write: 0,
      readInto: 0,
      pwrite: 0,
      pread: 0,
      "windowed write": 0,
      "windowed readInto": 0,
      find: 0,
    });
    w.munmap();
    h.close();
    m.munmap();
    const file = fx.read(path);
    expect(Array.from(file.subarray(0, 17))).toEqual([...new Array(16).fill(9), 4]);
    expect(Array.from(file.subarray(P, P + 9))).toEqual([...new Array(8).fill(9), 4]);
  });

  it("a subclass whose length lies is taken at its real length, and a Proxy of a Uint8Array is EINVAL, not a TypeError", () => {
    const path = fx.file(new Uint8Array(2 * P).fill(3), "hostile-liar");
    const space = anymmap.createInstance();
    const m = space.mmapSync(path, { prot: "rw", flags: "shared" });
    const h = space.openSync(path, "r+");
    class Liar extends Uint8Array {
      override get length(): number {
        return 1;
      }
    }
    expect(m.readInto(new Liar(4), 0)).toBe(4);
    expect(h.pread(new Liar(4), 0)).toBe(4);
    expect(() => m.write(new Liar(P), P + 1)).toThrow(expect.objectContaining({ code: "EINVAL", syscall: "access" }));
    const proxy = new Proxy(new Uint8Array(4), {});
    for (const call of [
      () => m.write(proxy, 0),
      () => m.readInto(proxy, 0),
      () => h.pread(proxy, 0),
      () => h.pwrite(proxy, 0),
    ]) {
      expect(call).toThrow(expect.objectContaining({ name: "MmapError", code: "EINVAL", errno: LINUX_ERRNO.EINVAL }));
    }
    h.close();
    m.munmap();
    expect(fx.read(path)).toEqual(new Uint8Array(2 * P).fill(3));
  });
});

describe("a long operation's onProgress that unmaps the windowed mapping", () => {
  // find/rfind/populate went on to map the next window after the caller's munmap() in onProgress, and
  // failed with EBADF "the file handle is closed" (the mapping's own descriptor, closed by munmap).
  it("find, rfind, populate and msync stop with EFAULT (the mapping was unmapped), the file keeps its bytes", () => {
    const data = new Uint8Array(8 * P).fill(6);
    const path = fx.file(data, "hostile-progress-unmap");
    const space = anymmap.createInstance();
    const calls: Array<[string, (w: ReturnType<typeof space.mmapWindowedSync>) => unknown]> = [
      ["find", (w) => w.find("absent", 0, undefined, { onProgress: () => w.munmap() })],
      ["rfind", (w) => w.rfind("absent", 0, undefined, { onProgress: () => w.munmap() })],
      ["madvise", (w) => w.populate(0, 8 * P, { onProgress: () => w.munmap() })],
      ["msync", (w) => w.msync("sync", { onProgress: () => w.munmap() })],
    ];
    for (const [syscall, call] of calls) {
      const w = space.mmapWindowedSync(path, { prot: "rw", flags: "shared", windowSize: P, budget: 32 * P });
      w.read(0, 8 * P); // every window mapped, for msync
      expect(() => call(w)).toThrow(expect.objectContaining({ name: "MmapError", code: "EFAULT", syscall }));
      w.munmap();
    }
    expect(fx.read(path)).toEqual(data);
  });
});

describe("a file truncated by someone else under resident pages (native)", () => {
  // read() and readInto() copied out of pages another process had cut off: the SIGBUS guard gave the copy
  // zeros, which read() returned as the file's bytes; only the next call said EFAULT. (WASM: resident pages
  // keep their bytes until msync("invalidate"), docs/security.md.)
  it.skipIf(anymmap.backend === "wasm")(
    "read, readInto, a windowed read and find over the cut-off pages are EFAULT, never zeros passed off as the file's",
    () => {
      const space = anymmap.createInstance();
      const path = fx.file(new Uint8Array(8 * P).fill(1), "hostile-cut-resident");
      const m = space.mmapSync(path, { prot: "r", flags: "shared" });
      expect(m.read(0, 8 * P).every((b) => b === 1)).toBe(true);
      const w = space.mmapWindowedSync(path, { windowSize: 4 * P, budget: 32 * P });
      expect(w.read(0, 8 * P).every((b) => b === 1)).toBe(true);
      fx.truncate(path, P);
      const fault = expect.objectContaining({ name: "MmapError", code: "EFAULT", errno: LINUX_ERRNO.EFAULT });
      expect(() => m.read(4 * P, 4)).toThrow(fault);
      expect(() => m.readInto(new Uint8Array(4), 5 * P)).toThrow(fault);
      expect(() => w.read(6 * P, 4)).toThrow(fault);
      expect(m.read(0, 4)).toEqual(new Uint8Array(4).fill(1));
      // find scans the windows' views: zeros read past the cut must not be a match (nor a miss).
      const scanned = fx.file(new Uint8Array(8 * P).fill(1), "hostile-cut-find");
      const scan = space.mmapWindowedSync(scanned, { windowSize: 4 * P, budget: 32 * P });
      const zeros = new Uint8Array(16);
      expect(scan.find(zeros)).toBe(-1);
      fx.truncate(scanned, P);
      expect(() => scan.find(zeros, 4 * P)).toThrow(fault);
      scan.munmap();
      w.munmap();
      m.munmap();
    },
  );
});
