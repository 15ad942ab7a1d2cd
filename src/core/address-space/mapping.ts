import type { Access, Mapping, Prot, SharedMemoryHandle } from "../contract/api.js";
import {
  MAP_ANONYMOUS,
  MAP_SHARED,
  MAP_SHARED_VALIDATE,
  MAP_TYPE,
  MREMAP_FIXED,
  MS_ASYNC,
  MS_INVALIDATE,
  MS_SYNC,
  PAGE_SIZE,
  PROT_WRITE,
} from "../contract/constants.js";
import type { Backend } from "../contract/api.js";
import { ACCESS_READ, ACCESS_WRITE, type Engine } from "../engines/engine.js";
import { MmapError } from "../contract/errors.js";
import { hint } from "../contract/messages.js";
import { bits, describeValue, integer, pageAligned, plainBytes } from "../contract/validate.js";

const encoder = new TextEncoder();

/** What a mapping needs from the address space that owns it. */
export interface AddressSpace {
  /** The mapping gave its pages back (munmap) or moved (mremap). */
  released(state: MappingState): void;
  /** Ties the mapping's life to `holder`: when every holder is collected, the mapping is unmapped. */
  hold(state: MappingState, holder: object): void;
}

/**
 * Where a mapping lives and which of its pages were unmapped: what the
 * address space tracks, apart from the Mapping object so that garbage
 * collection can take the object (and its views) and unmap what is left.
 */
export class MappingState {
  /** Byte ranges [start, end) of the mapping that were unmapped. */
  holes: Array<[number, number]> = [];
  /** The Mapping and the views handed out that are still reachable. */
  holders = 0;
  /** The protection of every page, while protWhole; set by mprotect, the mapping's or the address space's. */
  prot: number;
  /** Whether `prot` is every page's: false once mprotect changed part of the mapping. */
  protWhole = true;
  /** A MAP_SHARED mapping of a descriptor opened read-only: no mprotect may make it writable (EACCES). */
  readOnlyFile = false;

  constructor(
    /** The engine whose memory holds the mapping. */
    readonly engine: Engine,
    public address: number,
    public length: number,
    prot = 0,
  ) {
    this.prot = prot;
  }

  /**
   * Records an mprotect of [address, address+length) of linear memory, by
   * this mapping or by the address space's mprotect over it (which used to
   * leave `prot`, and the write check made from it, as they were).
   */
  protect(address: number, length: number, prot: number): void {
    if (!this.covers(address, length)) return;
    this.protWhole = address <= this.address && address + length >= this.address + this.length;
    if (this.protWhole) this.prot = prot;
  }

  get mapped(): boolean {
    return !(this.holes.length === 1 && this.holes[0]![0] === 0 && this.holes[0]![1] >= this.length);
  }

  /** Records that [address, address+length) of linear memory is no longer this mapping's. */
  cut(address: number, length: number): void {
    const a = Math.max(0, address - this.address);
    const b = Math.min(this.length, address + length - this.address);
    if (a >= b) return;
    const merged: Array<[number, number]> = [];
    let lo = a;
    let hi = Math.min(this.length, Math.ceil(b / PAGE_SIZE) * PAGE_SIZE);
    for (const [s, e] of this.holes) {
      if (e < lo || s > hi) merged.push([s, e]);
      else {
        lo = Math.min(lo, s);
        hi = Math.max(hi, e);
      }
    }
    merged.push([lo, hi]);
    merged.sort((x, y) => x[0] - y[0]);
    this.holes = merged;
  }

  /** True when any page of [address, address+length) of linear memory is still this mapping's. */
  covers(address: number, length: number): boolean {
    if (!this.mapped) return false;
    const a = Math.max(0, address - this.address);
    const b = Math.min(this.length, address + length - this.address);
    if (a >= b) return false;
    return !this.holes.some(([s, e]) => s <= a && e >= b);
  }

  /**
   * The parts of [address, address+size) that are still this mapping's.
   * Holes may hold other mappings by now, so calls skip them.
   */
  segments(address: number, size: number): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    let at = address - this.address;
    const end = at + size;
    for (const [a, b] of this.holes) {
      if (b <= at || a >= end) continue;
      if (a > at) out.push([this.address + at, a - at]);
      at = Math.max(at, b);
    }
    if (at < end) out.push([this.address + at, end - at]);
    return out;
  }
}

/**
 * A live mapping of an address space, in WASM linear memory or the
 * kernel's (native). Methods take offsets relative to the mapping; the
 * address is where its first byte lives.
 */
export class MappingImpl implements Mapping {
  readonly #state: MappingState;

  constructor(
    private readonly space: AddressSpace,
    state: MappingState,
    readonly offset: number,
    prot: number,
    readonly flags: number,
    readonly path?: string,
    /**
     * A MAP_SHARED mapping of a descriptor opened read-only: mprotect keeps
     * it from writing even where another mapping of the same pages may
     * (the WASM engine keeps one copy of a shared file page).
     */
    private readonly readOnlyFile = false,
  ) {
    this.#state = state;
    state.prot = prot;
    state.readOnlyFile = readOnlyFile;
    space.hold(state, this);
  }

  get address(): number {
    return this.#state.address;
  }

  get backend(): Backend {
    return this.#state.engine.backend;
  }

  get length(): number {
    return this.#state.length;
  }

  get prot(): number {
    return this.#state.prot;
  }

  get mapped(): boolean {
    return this.#state.mapped;
  }

  get bytes(): Uint8Array {
    return this.view(0, this.#state.length);
  }

  /** Range arguments, checked against the mapping's bounds. */
  private bounds(offset: unknown, length: unknown, syscall: string): [number, number] {
    if (!this.mapped) {
      throw new MmapError("EFAULT", syscall, "the mapping was unmapped; map the file again", this.errorOptions());
    }
    const start = integer(offset ?? 0, "offset", syscall);
    const size = integer(length ?? Math.max(0, this.#state.length - start), "length", syscall);
    if (start + size > this.#state.length) {
      throw new MmapError(
        "EINVAL",
        syscall,
        `offset ${start} + length ${size} is past the end of the mapping (${this.#state.length} bytes)`,
        this.errorOptions(),
      );
    }
    return [start, size];
  }

  /** An access range: in bounds and not in a hole (another mapping may live there now). */
  private range(offset: unknown, length: unknown, syscall: string): [number, number] {
    const [start, size] = this.bounds(offset, length, syscall);
    for (const [a, b] of this.#state.holes) {
      if (start < b && a < start + size) {
        throw new MmapError(
          "EFAULT",
          syscall,
          `bytes ${a}..${b} of the mapping were unmapped; map them again`,
          this.errorOptions(),
        );
      }
    }
    return [start, size];
  }

  private errorOptions(): { path: string } | undefined {
    return this.path === undefined ? undefined : { path: this.path };
  }

  /** An address range for a POSIX call, which itself reports holes as Linux does. */
  private pageRange(offset: unknown, length: unknown, syscall: string): [number, number] {
    const start = pageAligned(offset ?? 0, "offset", syscall);
    const [, size] = this.bounds(start, length, syscall);
    return [this.#state.address + start, size];
  }

  view(offset?: number, length?: number, access: Access = "read"): Uint8Array {
    const [start, size] = this.range(offset, length, "access");
    if (access !== "read" && access !== "write") {
      throw new MmapError("EINVAL", "access", `access must be "read" or "write", got ${describeValue(access)}`);
    }
    // Nothing to touch: at the mapping's end there may be no page behind the address (native).
    if (size === 0) return new Uint8Array(0);
    this.touch(start, size, access === "write" ? ACCESS_WRITE : ACCESS_READ);
    const view = this.#state.engine.bytes(this.#state.address + start, size);
    this.space.hold(this.#state, view);
    return view;
  }

  read(offset?: number, length?: number): Uint8Array {
    const [start, size] = this.range(offset, length, "access");
    if (size === 0) return new Uint8Array(0);
    this.#state.engine.touch(this.#state.address + start, size, ACCESS_READ);
    const copy = this.#state.engine.bytes(this.#state.address + start, size).slice();
    // A page someone else truncated away during the copy read zeros that are not the file's: EFAULT, not them.
    this.#state.engine.faulted?.(this.#state.address + start, size);
    return copy;
  }

  readInto(into: Uint8Array, offset?: number): number {
    const target = plainBytes(into);
    if (target === undefined) {
      throw new MmapError("EINVAL", "access", "target must be a Uint8Array");
    }
    const start = integer(offset ?? 0, "offset", "access");
    const size = Math.min(target.length, Math.max(0, this.#state.length - start));
    this.range(start, size, "access");
    // A detached target has length 0 (and set() would throw a TypeError).
    if (size === 0) return 0;
    this.#state.engine.touch(this.#state.address + start, size, ACCESS_READ);
    target.set(this.#state.engine.bytes(this.#state.address + start, size));
    this.#state.engine.faulted?.(this.#state.address + start, size);
    return size;
  }

  write(source: Uint8Array | string, offset?: number): number {
    const bytes = typeof source === "string" ? encoder.encode(source) : plainBytes(source);
    if (bytes === undefined) {
      throw new MmapError("EINVAL", "access", "source must be a Uint8Array or a string");
    }
    const [start] = this.range(offset, bytes.length, "access");
    // A detached source has length 0 (and set() would throw a TypeError).
    if (bytes.length === 0) return 0;
    this.touch(start, bytes.length, ACCESS_WRITE);
    this.#state.engine.bytes(this.#state.address + start, bytes.length).set(bytes);
    this.#state.engine.faulted?.(this.#state.address + start, bytes.length);
    return bytes.length;
  }

  /**
   * The engine's touch of [start, start+size) of the mapping, after this
   * mapping's own protection where one covers all of it: the WASM engine
   * keeps one copy of a shared file page, so its check alone would let a
   * read-only mapping write where a writable mapping of the same pages may.
   */
  private touch(start: number, size: number, access: number): void {
    if (access === ACCESS_WRITE && this.#state.protWhole && !(this.#state.prot & PROT_WRITE)) {
      throw new MmapError("EACCES", "access", hint("access", "EACCES"), this.errorOptions());
    }
    this.#state.engine.touch(this.#state.address + start, size, access);
  }

  private noHoles(address: number, size: number, syscall: string): void {
    const parts = this.#state.segments(address, size);
    if (size > 0 && (parts.length !== 1 || parts[0]![1] !== size)) {
      throw new MmapError("ENOMEM", syscall, "part of the range was unmapped", this.errorOptions());
    }
  }

  msync(flags: number | string = "sync", offset?: number, length?: number): void {
    const ms = bits("MS", flags, "flags", "msync");
    // Checked here too: with every page unmapped the engine would not be asked.
    if (ms & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC) || (ms & MS_ASYNC && ms & MS_SYNC)) {
      throw new MmapError("EINVAL", "msync", hint("msync", "EINVAL"), this.errorOptions());
    }
    const [address, size] = this.pageRange(offset, length, "msync");
    const parts = this.#state.segments(address, size);
    for (const [a, n] of parts) this.#state.engine.msync(a, n, ms);
    this.noHoles(address, size, "msync");
  }

  munmap(offset?: number, length?: number): void {
    // As munmap(2), unmapping what is already unmapped is not an error.
    if (!this.mapped) {
      if (offset !== undefined) pageAligned(offset, "offset", "munmap");
      if (length !== undefined) integer(length, "length", "munmap");
      return;
    }
    const [address, size] = this.pageRange(offset, length, "munmap");
    if (size === 0) throw new MmapError("EINVAL", "munmap", "length must be greater than 0");
    const parts = this.#state.segments(address, size);
    // Every dirty page is written before any is unmapped, so that a failed
    // write-back leaves the whole range mapped.
    try {
      for (const [a, n] of parts) this.#state.engine.msync(a, n, 0);
    } catch (e) {
      if (!(e instanceof MmapError)) throw e;
      throw new MmapError(e.code, "munmap", hint("munmap", e.code), { ...this.errorOptions(), cause: e });
    }
    for (const [a, n] of parts) {
      this.#state.engine.munmap(a, n);
      this.#state.cut(a, n);
    }
    this.space.released(this.#state);
  }

  mprotect(prot: Prot, offset?: number, length?: number): void {
    const p = bits("PROT", prot, "prot", "mprotect");
    const [address, size] = this.pageRange(offset, length, "mprotect");
    this.noHoles(address, size, "mprotect");
    if (p & PROT_WRITE && this.readOnlyFile)
      throw new MmapError("EACCES", "mprotect", hint("mprotect", "EACCES"), this.errorOptions());
    this.#state.engine.mprotect(address, size, p);
    this.#state.protect(address, size, p);
  }

  mremap(newLength: number, flags: number | string = 0): void {
    const f = typeof flags === "string" && flags === "" ? 0 : bits("MREMAP", flags, "flags", "mremap");
    const size = integer(newLength, "newLength", "mremap", 1, this.#state.engine.maxMapping);
    if (f & MREMAP_FIXED) {
      throw new MmapError("EINVAL", "mremap", "MREMAP_FIXED needs an address; use the instance's address-level calls");
    }
    this.range(0, this.#state.length, "mremap");
    const old = this.#state.address;
    const at = this.#state.engine.mremap(old, this.#state.length, size, f, 0);
    this.#state.address = at;
    this.#state.length = size;
    if (at !== old) this.space.released(this.#state);
  }

  madvise(advice: number | string, offset?: number, length?: number): void {
    const a = bits("MADV", advice, "advice", "madvise");
    const [address, size] = this.pageRange(offset, length, "madvise");
    for (const [at, n] of this.#state.segments(address, size)) this.#state.engine.madvise(at, n, a);
    this.noHoles(address, size, "madvise");
  }

  mincore(offset?: number, length?: number): Uint8Array {
    const [address, size] = this.pageRange(offset, length, "mincore");
    this.noHoles(address, size, "mincore");
    return this.#state.engine.mincore(address, size);
  }

  share(): SharedMemoryHandle {
    this.range(0, this.#state.length, "share");
    const type = this.flags & MAP_TYPE;
    if (!(this.flags & MAP_ANONYMOUS) || (type !== MAP_SHARED && type !== MAP_SHARED_VALIDATE)) {
      throw new MmapError(
        "EINVAL",
        "share",
        "only MAP_SHARED|MAP_ANONYMOUS memory can be shared with a worker; for a file, map the same file MAP_SHARED in the worker",
        this.errorOptions(),
      );
    }
    const { address, length } = this.#state;
    return {
      type: "anymmap.shared-memory",
      backend: this.backend,
      address,
      length,
      prot: this.#state.prot,
      ...this.#state.engine.share(address, length),
    };
  }

  [Symbol.dispose](): void {
    if (this.mapped) this.munmap();
  }
}
