import type {
  Access,
  BackendChoice,
  FileHandle,
  LongOperation,
  MapOptions,
  Mapping,
  MappedWindow,
  OpenFlags,
  WindowedMapping,
  WindowedOptions,
} from "../contract/api.js";
import {
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_FIXED_NOREPLACE,
  MAP_PRIVATE,
  MAP_SHARED,
  MAP_SHARED_VALIDATE,
  MAP_TYPE,
  MS_ASYNC,
  MS_INVALIDATE,
  MS_SYNC,
  PAGE_SIZE,
  PROT_WRITE,
} from "../contract/constants.js";
import { isMmapError, MmapError } from "../contract/errors.js";
import type { RemoteOptions } from "../remote/remote-file.js";
import {
  bits,
  describeValue,
  integer,
  longOperation,
  optionalBackend,
  pageAligned,
  plainBytes,
  remoteOptions,
} from "../contract/validate.js";

/** Default `budget` of a windowed mapping: the most bytes its windows keep mapped at once. */
export const DEFAULT_WINDOW_BUDGET = 256 * 2 ** 20;
/** Default `windowSize`: the granule that reads, writes and `find` map. */
export const DEFAULT_WINDOW_SIZE = 16 * 2 ** 20;
/** The largest window one mapping can be: the 4 GiB WebAssembly address space less the engine's own megabyte. */
const MAX_WINDOW = 2 ** 32 - 2 ** 20;

const encoder = new TextEncoder();

/** What a windowed mapping needs from its address space: the public contract's calls. */
export interface WindowSpace {
  mmapSync(source: never, options?: MapOptions): Mapping;
  openSync(path: string, flags?: OpenFlags, mode?: number, backend?: BackendChoice, remote?: RemoteOptions): FileHandle;
}

/** Called for each window of a range in turn: returns true to stop, or nothing to go on. */
// biome-ignore lint/suspicious/noConfusingVoidType: bodies that never stop return nothing
type WindowBody = (w: Window, from: number, to: number) => boolean | void;

/** One mapped range of the file: `[start, end)` relative to the windowed mapping. */
interface Window {
  start: number;
  end: number;
  mapping: Mapping;
  pins: number;
}

const up = (n: number, to: number) => Math.ceil(n / to) * to;
const down = (n: number, to: number) => Math.floor(n / to) * to;

function sizeOf(source: unknown): number | undefined {
  if (source === null || typeof source !== "object") return undefined;
  const s = (source as { size?: unknown }).size;
  if (typeof s === "function") return (s as () => number).call(source);
  return typeof s === "number" ? s : undefined;
}

/**
 * A mapping of a file of any length (offsets and lengths exact up to 2^53),
 * reached through windows: ordinary mappings of ranges of the file, made on
 * demand through the address space's `mmapSync` and unmapped, least recently
 * used first, when their bytes would pass the budget. Windows never overlap
 * one another. All runtimes with synchronous file access (Node, Deno, Bun,
 * browser workers).
 */
export class WindowedMappingImpl implements WindowedMapping {
  readonly offset: number;
  readonly length: number;
  readonly prot: number;
  readonly flags: number;
  readonly budget: number;
  readonly windowSize: number;
  readonly path?: string;
  /** Mapped windows, least recently used first (Map keeps insertion order). */
  #windows = new Map<Window, true>();
  #mappedBytes = 0;
  #pinnedBytes = 0;
  #mapped = true;
  /**
   * Addresses and sizes of unmapped windows: a new window is placed at one of
   * them, so that the same linear memory is reused (the engine cannot give
   * touched WebAssembly memory back to the OS, so a scan that walked new
   * addresses would grow the process up to 4 GiB).
   */
  #free: Array<[number, number]> = [];
  /** A handle this mapping opened itself (for a path), closed by munmap. */
  #own?: FileHandle;
  readonly #source: unknown;

  constructor(
    private readonly space: WindowSpace,
    source: unknown,
    options: WindowedOptions = {},
    /** A handle opened for this mapping alone, closed by munmap. */
    owned?: FileHandle,
  ) {
    this.#own = owned;
    if (typeof options !== "object" || options === null)
      throw new MmapError("EINVAL", "mmap", "options must be an object");
    if (source === null || source === undefined) {
      throw new MmapError(
        "EINVAL",
        "mmap",
        "windowed mappings are of files; map anonymous memory with mmapSync(null, { length })",
      );
    }
    this.prot = bits("PROT", options.prot ?? "r", "prot", "mmap");
    this.flags = bits("MAP", options.flags ?? "shared", "flags", "mmap");
    if (this.flags & (MAP_FIXED | MAP_FIXED_NOREPLACE | MAP_ANONYMOUS)) {
      throw new MmapError(
        "EINVAL",
        "mmap",
        "windowed mappings have no fixed address and are not anonymous; drop fixed/fixed_noreplace/anonymous",
      );
    }
    const type = this.flags & MAP_TYPE;
    if (type === MAP_PRIVATE && this.prot & PROT_WRITE) {
      throw new MmapError(
        "EINVAL",
        "mmap",
        "a windowed mapping cannot be private and writable: unmapping a window to stay in the budget would drop its private changes; map it 'shared', or read-only",
      );
    }
    this.offset = pageAligned(options.offset ?? 0, "offset", "mmap");
    this.windowSize = pageAligned(options.windowSize ?? DEFAULT_WINDOW_SIZE, "windowSize", "mmap");
    if (this.windowSize === 0 || this.windowSize > MAX_WINDOW / 2) {
      throw new MmapError("EINVAL", "mmap", `windowSize must be between ${PAGE_SIZE} and ${MAX_WINDOW / 2} bytes`);
    }
    this.budget = integer(
      options.budget ?? Math.max(DEFAULT_WINDOW_BUDGET, 2 * this.windowSize),
      "budget",
      "mmap",
      2 * this.windowSize,
      MAX_WINDOW,
    );
    optionalBackend(options.backend, "mmap");
    const remote = remoteOptions(options, "mmap");
    if (typeof source === "string") {
      const writable = (type === MAP_SHARED || type === MAP_SHARED_VALIDATE) && (this.prot & PROT_WRITE) !== 0;
      this.#own = space.openSync(source, writable ? "r+" : "r", undefined, options.backend, remote);
      this.#source = this.#own;
      this.path = source;
    } else {
      this.#source = source;
      const path = (source as { path?: unknown }).path;
      if (typeof path === "string") this.path = path;
    }
    try {
      if (options.length === undefined) {
        const size = sizeOf(this.#source);
        if (size === undefined)
          throw new MmapError("EBADF", "mmap", "source must be a path, a FileHandle or (in browsers) a File or Blob");
        if (size - this.offset <= 0) {
          throw new MmapError(
            "EINVAL",
            "mmap",
            `nothing to map: the file has ${size} bytes and offset is ${this.offset}; pass a length to map past its end`,
            this.errorOptions(),
          );
        }
        this.length = size - this.offset;
      } else {
        this.length = integer(options.length, "length", "mmap", 1);
      }
      if (this.offset + this.length > Number.MAX_SAFE_INTEGER) {
        throw new MmapError("EOVERFLOW", "mmap", "offset + length is past 2^53 - 1, the largest exact offset");
      }
      // Map the first window now, so that a source that cannot be mapped fails here, not at first use.
      this.acquire(0, Math.min(this.length, PAGE_SIZE), false);
    } catch (e) {
      if (!owned) this.#own?.close();
      throw e;
    }
  }

  get mapped(): boolean {
    return this.#mapped;
  }

  /** Bytes of windows mapped now; never more than `budget`. */
  get windowBytes(): number {
    return this.#mappedBytes;
  }

  get pinnedBytes(): number {
    return this.#pinnedBytes;
  }

  get windowCount(): number {
    return this.#windows.size;
  }

  residentBytes(): number {
    let pages = 0;
    for (const w of this.#windows.keys()) {
      const core = w.mapping.mincore();
      for (let i = 0; i < core.length; i++) pages += core[i]! & 1;
    }
    return pages * PAGE_SIZE;
  }

  private errorOptions(): { path: string } | undefined {
    return this.path === undefined ? undefined : { path: this.path };
  }

  private live(syscall: string): void {
    if (!this.#mapped)
      throw new MmapError("EFAULT", syscall, "the mapping was unmapped; map the file again", this.errorOptions());
  }

  /** `[start, start + size)` checked against the mapping. */
  private range(offset: unknown, length: unknown, syscall: string): [number, number] {
    this.live(syscall);
    const start = integer(offset ?? 0, "offset", syscall);
    const size = integer(length ?? Math.max(0, this.length - start), "length", syscall);
    if (start + size > this.length) {
      throw new MmapError(
        "EINVAL",
        syscall,
        `offset ${start} + length ${size} is past the end of the mapping (${this.length} bytes)`,
        this.errorOptions(),
      );
    }
    return [start, size];
  }

  private unmapWindow(w: Window): void {
    const address = w.mapping.address;
    w.mapping.munmap();
    this.#free.push([address, up(w.end - w.start, PAGE_SIZE)]);
    if (this.#free.length > 64) this.#free.shift();
    this.#windows.delete(w);
    this.#mappedBytes -= up(w.end - w.start, PAGE_SIZE);
  }

  /**
   * The window holding `[start, end)`, mapped if needed (pinned when `pin`).
   * Small ranges get a window of whole granules around them, so that
   * neighbouring accesses reuse it; a range larger than a granule gets a
   * window of exactly its pages.
   */
  private acquire(start: number, end: number, pin: boolean): Window {
    for (const w of this.#windows.keys()) {
      if (w.start <= start && end <= w.end) {
        this.#windows.delete(w);
        this.#windows.set(w, true);
        if (pin && w.pins++ === 0) this.#pinnedBytes += up(w.end - w.start, PAGE_SIZE);
        return w;
      }
    }
    const W = this.windowSize;
    let lo: number;
    let hi: number;
    if (end - start <= W) {
      lo = down(start, W);
      hi = Math.min(this.length, up(Math.max(end, start + 1), W));
    } else {
      lo = down(start, PAGE_SIZE);
      hi = Math.min(this.length, up(end, PAGE_SIZE));
    }
    // Pinned windows stay; the new one stops at their edges, and may not cover part of one.
    for (const w of this.#windows.keys()) {
      if (w.pins === 0) continue;
      if (w.start < end && start < w.end) {
        throw new MmapError(
          "ENOMEM",
          "mmap",
          `bytes ${start}..${end} overlap a pinned window (${w.start}..${w.end}) that does not hold them all, and windows cannot overlap: release that window first, or ask for a range inside it`,
          this.errorOptions(),
        );
      }
      if (w.end <= start && w.end > lo) lo = w.end;
      if (w.start >= end && w.start < hi) hi = w.start;
    }
    lo = down(lo, PAGE_SIZE);
    const bytes = up(hi - lo, PAGE_SIZE);
    if (bytes > this.budget - this.#pinnedBytes) {
      throw new MmapError(
        "ENOMEM",
        "mmap",
        `a window of ${bytes} bytes does not fit the budget (${this.budget} bytes, ${this.#pinnedBytes} of them in pinned windows): release windows you hold ([Symbol.dispose] or release()), ask for a smaller range, or map with a larger budget`,
        this.errorOptions(),
      );
    }
    // Windows never overlap: the engine shares one copy of a shared page between mappings only at one address.
    for (const w of [...this.#windows.keys()]) {
      if (w.pins === 0 && w.start < hi && lo < w.end) this.unmapWindow(w);
    }
    for (const w of [...this.#windows.keys()]) {
      if (this.#mappedBytes + bytes <= this.budget) break;
      if (w.pins === 0) this.unmapWindow(w);
    }
    const options = { prot: this.prot, flags: this.flags, offset: this.offset + lo, length: hi - lo };
    let mapping = this.reuse(options, bytes);
    if (!mapping) {
      try {
        mapping = this.space.mmapSync(this.#source as never, options);
      } catch (e) {
        if (!isMmapError(e) || e.code !== "ENOMEM") throw e;
        // The address space may be crowded by other mappings of the instance: give back every unpinned window once.
        for (const w of [...this.#windows.keys()]) if (w.pins === 0) this.unmapWindow(w);
        mapping = this.space.mmapSync(this.#source as never, options);
      }
    }
    const w: Window = { start: lo, end: hi, mapping, pins: pin ? 1 : 0 };
    this.#windows.set(w, true);
    this.#mappedBytes += bytes;
    if (pin) this.#pinnedBytes += bytes;
    return w;
  }

  /** Maps the window where an unmapped one was (never over anything else: MAP_FIXED_NOREPLACE), or gives up. */
  private reuse(options: MapOptions & { flags: number }, bytes: number): Mapping | undefined {
    for (let i = this.#free.length - 1; i >= 0; i--) {
      const [address, size] = this.#free[i]!;
      if (size < bytes) continue;
      this.#free.splice(i, 1);
      if (size > bytes) this.#free.push([address + bytes, size - bytes]);
      try {
        return this.space.mmapSync(this.#source as never, {
          ...options,
          address,
          flags: options.flags | MAP_FIXED_NOREPLACE,
        });
      } catch (e) {
        if (!isMmapError(e)) throw e;
        // Something else lives there now, or the pages are shared elsewhere: let the engine choose.
      }
    }
    return undefined;
  }

  private unpin(w: Window): void {
    if (--w.pins === 0) this.#pinnedBytes -= up(w.end - w.start, PAGE_SIZE);
  }

  /**
   * Calls `body(window, from, to)` for the pieces of `[start, end)`, one
   * granule at a time, in order or in reverse. The window is pinned while
   * the body runs, so that what the body maps meanwhile (find's check of a
   * pattern across an edge) cannot unmap the bytes it is looking at.
   */
  private each(start: number, end: number, reverse: boolean, body: WindowBody, syscall = "access"): void {
    const W = this.windowSize;
    if (!reverse) {
      for (let at = start; at < end; ) {
        const to = Math.min(end, down(at, W) + W);
        if (this.visit(at, to, body, syscall)) return;
        at = to;
      }
    } else {
      for (let at = end; at > start; ) {
        const from = Math.max(start, up(at, W) - W);
        if (this.visit(from, at, body, syscall)) return;
        at = from;
      }
    }
  }

  private visit(from: number, to: number, body: WindowBody, syscall: string): boolean {
    // The body may have run the caller's onProgress, which may have unmapped the whole mapping.
    this.live(syscall);
    const w = this.acquire(from, to, true);
    try {
      return body(w, from, to) === true;
    } finally {
      if (this.#windows.has(w)) this.unpin(w);
    }
  }

  window(offset: number, length: number, access: Access = "read"): MappedWindow {
    const [start, size] = this.range(offset, length, "access");
    if (access !== "read" && access !== "write") {
      throw new MmapError("EINVAL", "access", `access must be "read" or "write", got ${describeValue(access)}`);
    }
    if (size > MAX_WINDOW) {
      throw new MmapError(
        "ENOMEM",
        "mmap",
        `a window of ${size} bytes does not fit the 4 GiB WebAssembly address space; ask for at most ${MAX_WINDOW} bytes`,
      );
    }
    const w = size === 0 ? undefined : this.acquire(start, start + size, true);
    let bytes: Uint8Array;
    try {
      bytes = w ? w.mapping.view(start - w.start, size, access) : new Uint8Array(0);
    } catch (e) {
      if (w) this.unpin(w);
      throw e;
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      if (w && this.#windows.has(w)) this.unpin(w);
    };
    return {
      offset: start,
      length: size,
      bytes,
      get released() {
        return released;
      },
      release,
      [Symbol.dispose]: release,
    };
  }

  read(offset?: number, length?: number): Uint8Array {
    const [start, size] = this.range(offset, length, "access");
    if (size > MAX_WINDOW) {
      throw new MmapError(
        "EINVAL",
        "access",
        `read() copies into one array, at most ${MAX_WINDOW} bytes; use readInto() or window() over smaller ranges`,
      );
    }
    const out = new Uint8Array(size);
    this.copyOut(out, start);
    return out;
  }

  readInto(into: Uint8Array, offset?: number): number {
    const target = plainBytes(into);
    if (target === undefined) throw new MmapError("EINVAL", "access", "target must be a Uint8Array");
    this.live("access");
    const start = integer(offset ?? 0, "offset", "access");
    const size = Math.min(target.length, Math.max(0, this.length - start));
    this.range(start, size, "access");
    this.copyOut(target.subarray(0, size), start);
    return size;
  }

  private copyOut(target: Uint8Array, start: number): void {
    this.each(start, start + target.length, false, (w, from, to) => {
      w.mapping.readInto(target.subarray(from - start, to - start), from - w.start);
    });
  }

  write(source: Uint8Array | string, offset?: number): number {
    const bytes = typeof source === "string" ? encoder.encode(source) : plainBytes(source);
    if (bytes === undefined) throw new MmapError("EINVAL", "access", "source must be a Uint8Array or a string");
    const [start] = this.range(offset, bytes.length, "access");
    this.each(start, start + bytes.length, false, (w, from, to) => {
      w.mapping.write(bytes.subarray(from - start, to - start), from - w.start);
    });
    return bytes.length;
  }

  /** Python's slice rules for find's start and end: negative counts from the end, then clamped. */
  private slice(start: unknown, end: unknown): [number, number] {
    const clamp = (v: unknown, name: string, fallback: number) => {
      if (v === undefined) return fallback;
      const n = integer(v, name, "find", -Number.MAX_SAFE_INTEGER);
      return Math.min(this.length, Math.max(0, n < 0 ? this.length + n : n));
    };
    return [clamp(start, "start", 0), clamp(end, "end", this.length)];
  }

  private needle(pattern: Uint8Array | string): Uint8Array {
    const p = typeof pattern === "string" ? encoder.encode(pattern) : plainBytes(pattern);
    if (p === undefined) throw new MmapError("EINVAL", "find", "pattern must be a Uint8Array or a string");
    if (p.length > MAX_WINDOW / 4)
      throw new MmapError("EINVAL", "find", `pattern must be at most ${MAX_WINDOW / 4} bytes`);
    return p;
  }

  /** True when the bytes at `at` are `p`: in the window when they lie in it, across windows otherwise. */
  private matchesAt(view: Uint8Array, viewStart: number, at: number, p: Uint8Array): boolean {
    const rel = at - viewStart;
    if (rel + p.length <= view.length) {
      for (let i = 1; i < p.length; i++) if (view[rel + i] !== p[i]) return false;
      return true;
    }
    // The pattern straddles the window's edge: compare what is here, then the rest through a copy.
    const here = view.length - rel;
    for (let i = 1; i < here; i++) if (view[rel + i] !== p[i]) return false;
    const rest = this.read(at + here, p.length - here);
    for (let i = 0; i < rest.length; i++) if (rest[i] !== p[here + i]) return false;
    return true;
  }

  find(pattern: Uint8Array | string, start?: number, end?: number, options?: LongOperation): number {
    return this.search(pattern, start, end, false, longOperation(options, "find"));
  }

  rfind(pattern: Uint8Array | string, start?: number, end?: number, options?: LongOperation): number {
    return this.search(pattern, start, end, true, longOperation(options, "rfind"));
  }

  /**
   * find or rfind: candidates are the pattern's first byte (indexOf, fast in
   * every engine), checked in the window, or across the next windows when
   * the pattern straddles an edge.
   */
  private search(
    pattern: Uint8Array | string,
    start: number | undefined,
    end: number | undefined,
    backwards: boolean,
    options: LongOperation,
  ): number {
    const syscall = backwards ? "rfind" : "find";
    this.live(syscall);
    const p = this.needle(pattern);
    const [lo, hi] = this.slice(start, end);
    if (p.length === 0) return lo <= hi ? (backwards ? hi : lo) : -1;
    const last = hi - p.length; // the last offset a match may start at
    if (last < lo) return -1;
    const total = last + 1 - lo;
    const first = p[0]!;
    let found = -1;
    const probe = new Uint8Array(1);
    this.each(
      lo,
      last + 1,
      backwards,
      (w, from, to) => {
        check(options, syscall);
        const rest = this.windowView(w, from);
        const view = rest.subarray(0, to - from);
        let i = backwards ? view.lastIndexOf(first) : view.indexOf(first);
        while (i !== -1) {
          if (this.matchesAt(rest, from, from + i, p)) {
            found = from + i;
            break;
          }
          if (backwards) i = i === 0 ? -1 : view.lastIndexOf(first, i - 1);
          else i = view.indexOf(first, i + 1);
        }
        // Pages someone else truncated away read zeros through the view (the native SIGBUS guard): a copy
        // out of the window reports that (EFAULT) instead of a match or a miss among zeros.
        w.mapping.readInto(probe, from - w.start);
        if (found !== -1) return true;
        options.onProgress?.(backwards ? last + 1 - from : to - lo, total);
        return false;
      },
      syscall,
    );
    return found;
  }

  /** The window's bytes from `from` to its end (a pattern may run past the granule being searched). */
  private windowView(w: Window, from: number): Uint8Array {
    return w.mapping.view(from - w.start, w.end - from);
  }

  populate(offset?: number, length?: number, opts?: LongOperation): void {
    const options = longOperation(opts, "madvise");
    const [start, size] = this.range(offset, length, "madvise");
    if (up(size, PAGE_SIZE) > this.budget) {
      throw new MmapError(
        "ENOMEM",
        "madvise",
        `populating ${size} bytes would pass the budget (${this.budget} bytes): populate a smaller range, or map with a larger budget`,
        this.errorOptions(),
      );
    }
    this.each(
      start,
      start + size,
      false,
      (w, from, to) => {
        check(options, "madvise");
        w.mapping.view(from - w.start, to - from);
        options.onProgress?.(to - start, size);
      },
      "madvise",
    );
  }

  msync(flags: number | string = "sync", opts?: LongOperation): void {
    this.live("msync");
    const options = longOperation(opts, "msync");
    // Checked here too: with no window mapped, no mapping would check them.
    const ms = bits("MS", flags, "flags", "msync");
    if (ms & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC) || (ms & MS_ASYNC && ms & MS_SYNC)) {
      throw new MmapError(
        "EINVAL",
        "msync",
        "flags must be one of sync/async, optionally with invalidate",
        this.errorOptions(),
      );
    }
    const windows = [...this.#windows.keys()];
    const total = windows.reduce((n, w) => n + (w.end - w.start), 0);
    let done = 0;
    for (const w of windows) {
      this.live("msync");
      check(options, "msync");
      w.mapping.msync(ms);
      done += w.end - w.start;
      options.onProgress?.(done, total);
    }
  }

  munmap(): void {
    if (!this.#mapped) return;
    // Every window's dirty pages are written before any is unmapped: a failed write-back leaves all mapped.
    for (const w of this.#windows.keys()) w.mapping.msync(0);
    for (const w of [...this.#windows.keys()]) {
      w.pins = 0;
      this.unmapWindow(w);
    }
    this.#pinnedBytes = 0;
    this.#mapped = false;
    this.#own?.close();
  }

  [Symbol.dispose](): void {
    this.munmap();
  }
}

/** Stops a long operation whose signal fired, with the reason as the cause. */
function check(options: LongOperation, syscall: string): void {
  const signal = options.signal;
  if (signal?.aborted) {
    throw new MmapError(
      "ECANCELED",
      syscall,
      "the operation was aborted by its AbortSignal; nothing after the last progress report was done",
      { cause: signal.reason },
    );
  }
}
