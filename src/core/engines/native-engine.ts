import type { HostIOStats, OpenFlags } from "../contract/api.js";
import {
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_FIXED_NOREPLACE,
  MAP_PRIVATE,
  MAP_SHARED,
  MAP_SHARED_VALIDATE,
  MAP_TYPE,
  MREMAP_DONTUNMAP,
  MREMAP_FIXED,
  MREMAP_MAYMOVE,
  MS_ASYNC,
  MS_INVALIDATE,
  MS_SYNC,
  PAGE_SIZE,
  PROT_EXEC,
  PROT_READ,
  PROT_WRITE,
} from "../contract/constants.js";
import type { ConstantFamily } from "../contract/constants.js";
import { ACCESS_WRITE, acquireShared, type Engine, type EngineShare, releaseShared, SAFE_ADVICE } from "./engine.js";
import { MmapError } from "../contract/errors.js";
import { hint } from "../contract/messages.js";
import type { NativeMman, NativeReservation } from "./native-mman.js";
import { type Platform, toPlatform } from "./platform.js";
import { minus } from "../address-space/ranges.js";

/** A descriptor kept by mappings of a file, so that parts of them can be mapped again (mprotect, mremap). */
interface MappedFile {
  fd: number;
  refs: number;
  /** Opened read-write: a shared mapping of it may become writable. */
  writable: boolean;
  /**
   * Set when the descriptor is the memfd behind MAP_SHARED|MAP_ANONYMOUS
   * memory: the count of threads attaching it (dup'ing this descriptor),
   * -1 once it is closed.
   */
  lock?: Int32Array;
  /** The memfd was shared with another thread: its pages are not this engine's alone to forget. */
  exported?: boolean;
}

/**
 * An address range that stays mapped while ArrayBuffers over it may be in
 * use: by files, anonymous memory, or zero pages standing in for the parts
 * that were unmapped, so that a stale view never faults and never sees
 * another mapping's bytes.
 */
interface Region {
  start: number;
  end: number;
  reservation: NativeReservation;
  /** Every buffer made over the region; `current` covers all of it. */
  buffers: ArrayBuffer[];
  current: ArrayBuffer;
}

/** One mapping's pages, as Linux keeps a vma: flags and prot are the API's (Linux) values. */
interface Vma {
  start: number;
  end: number;
  prot: number;
  flags: number;
  /** MADV_NORMAL/RANDOM/SEQUENTIAL: Linux keeps it per vma, so it splits them (and mremap cannot span the split). */
  advice: number;
  offset: number;
  file?: MappedFile;
  region: Region;
}

// Flags Linux's MAP_SHARED_VALIDATE knows (LEGACY_MAP_MASK, MAP_FIXED_NOREPLACE); MAP_SYNC needs DAX.
const VALIDATE_KNOWN = 0x03 | 0x10 | 0x20 | 0x40 | 0x100 | 0x800 | 0x1000 | 0x2000 | 0x4000 | 0x8000 | 0x10000 | 0x20000 | 0x40000 | 0x100000 | 0xfc000000;
const MADV_REMOVE_LINUX = 9;
const MADV_NORMAL = 0;
const MADV_RANDOM = 1;
const MADV_SEQUENTIAL = 2;

const up = (n: number): number => Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;

const sharedType = (flags: number): boolean => (flags & MAP_TYPE) === MAP_SHARED || (flags & MAP_TYPE) === MAP_SHARED_VALIDATE;

/**
 * The kernel's mmap behind the same Engine contract as the WASM core, for
 * the native backend. The kernel maps every page readable and writable and
 * protection is enforced here, at the API: a raw view can then never fault,
 * and a write through a view of a read-only file mapping lands in a private
 * copy that never reaches the file (read-only shared mappings are private
 * mappings in the kernel). Unmapped parts of a range that views may still
 * reach become zero pages until every view's buffer is detached.
 * Node (N-API addon), Deno (--allow-ffi), Bun (bun:ffi).
 */
export class NativeEngine implements Engine {
  readonly backend = "native" as const;
  readonly maxMapping: number;
  readonly addressLimit: number;
  readonly stats: HostIOStats = { reads: 0, readBytes: 0, writes: 0, writtenBytes: 0, syncs: 0, truncates: 0 };
  /** Sorted by address, never overlapping. */
  private vmas: Vma[] = [];
  private regions: Region[] = [];
  /**
   * Zero pages standing in for file pages wholly past the end of the file,
   * by address: touching such a page in a view would raise SIGBUS. They
   * become the file's again when an access finds the file has grown.
   */
  private pastEof: Array<[number, number]> = [];
  /** Descriptors this engine opened, by number, with what they were opened for. */
  private readonly files = new Map<number, { writable: boolean }>();

  constructor(
    private readonly mman: NativeMman,
    private readonly platform: Platform,
  ) {
    this.maxMapping = Math.min(mman.maxBuffer, platform.addressLimit);
    this.addressLimit = platform.addressLimit;
  }

  resetStats(): void {
    const s = this.stats;
    s.reads = s.readBytes = s.writes = s.writtenBytes = s.syncs = s.truncates = 0;
  }

  /** The result of a call, or MmapError for its negated errno. */
  private check(result: number, syscall: string, path?: string): number {
    if (result >= 0) return result;
    const code = this.platform.errnoName(result);
    throw new MmapError(code, syscall, hint(syscall, code), path === undefined ? undefined : { path });
  }

  private error(code: string, syscall: string, message = hint(syscall, code)): MmapError {
    return new MmapError(code, syscall, message);
  }

  /** An API (Linux) value in the OS's numbers. */
  private os(family: ConstantFamily, value: number, syscall: string): number {
    const v = toPlatform(this.platform, family, value);
    if (v === undefined) throw this.error("EOPNOTSUPP", syscall, `${this.platform.name} has no equivalent of ${family} value ${value}`);
    return v;
  }

  // ---- files ----------------------------------------------------------------

  open(path: string, flags: OpenFlags, mode = 0o666): number {
    const O = this.platform.O;
    const plus = flags.includes("+");
    let o = plus ? O.RDWR : flags[0] === "r" ? O.RDONLY : O.WRONLY;
    if (flags[0] === "w") o |= O.CREAT | O.TRUNC;
    if (flags[0] === "a") o |= O.CREAT | O.APPEND;
    if (flags.includes("x")) o |= O.EXCL;
    const fd = this.check(this.mman.open(path, o, mode), "open", path);
    this.files.set(fd, { writable: plus || flags[0] !== "r" });
    return fd;
  }

  close(fd: number): void {
    this.files.delete(fd);
    this.check(this.mman.close(fd), "close");
  }

  size(fd: number, path: string): number {
    return this.check(this.mman.fsize(fd), "fstat", path);
  }

  fsync(fd: number, path: string): void {
    this.check(this.mman.fsync(fd), "fsync", path);
    this.stats.syncs++;
  }

  ftruncate(fd: number, length: number): void {
    this.check(this.mman.ftruncate(fd, BigInt(length)), "ftruncate");
    this.stats.truncates++;
    // Whichever mappings show this file, their pages past the new end must not be reachable.
    for (const v of this.vmas) this.clip(v, "ftruncate");
  }

  pread(fd: number, target: Uint8Array, position: number): number {
    return this.transfer("pread", fd, target, position);
  }

  pwrite(fd: number, source: Uint8Array, position: number): number {
    return this.transfer("pwrite", fd, source, position);
  }

  /** pread or pwrite until done or the file ends, counted in `stats`. */
  private transfer(syscall: "pread" | "pwrite", fd: number, bytes: Uint8Array, position: number): number {
    let done = 0;
    while (done < bytes.length) {
      const n = this.check(this.mman[syscall](fd, bytes.subarray(done), BigInt(position + done)), syscall);
      if (syscall === "pread") {
        this.stats.reads++;
        this.stats.readBytes += n;
      } else {
        this.stats.writes++;
        this.stats.writtenBytes += n;
      }
      if (n === 0) break;
      done += n;
    }
    return done;
  }

  // ---- the kernel's side ----------------------------------------------------

  /** The kernel's flags for a mapping: read-only shared file mappings are private, so stray writes stay in memory. */
  private kernelFlags(flags: number, prot: number, file: boolean): number {
    let type = flags & MAP_TYPE;
    if (file && sharedType(flags) && !(prot & PROT_WRITE)) type = MAP_PRIVATE;
    // Shared anonymous memory is a memfd here: the kernel must map the descriptor.
    const drop = MAP_TYPE | MAP_FIXED | MAP_FIXED_NOREPLACE | (file ? MAP_ANONYMOUS : 0);
    return (flags & ~drop) | type;
  }

  /** mmap(2) with every page readable and writable; `placement` is MAP_FIXED, MAP_FIXED_NOREPLACE or 0 (the API's values). */
  private kmap(address: number, length: number, flags: number, placement: number, fd: number, offset: number, syscall: string, path?: string): number {
    const prot = this.os("PROT", PROT_READ | PROT_WRITE, syscall);
    const f = this.os("MAP", flags | placement, syscall);
    return this.check(this.mman.mmap(address, length, prot, f, fd, BigInt(offset)), syscall, path);
  }

  /** Zero pages in place of [start, end), which no mapping holds any more but views may still reach. */
  private placeholder(start: number, end: number, syscall: string): void {
    if (end > start) this.kmap(start, end - start, MAP_PRIVATE | MAP_ANONYMOUS | this.platform.MAP_NORESERVE, MAP_FIXED, -1, 0, syscall);
  }

  /** A region over pages just mapped at [start, start+length); unmaps them if no buffer can be made. */
  private newRegion(start: number, length: number, syscall: string): Region {
    const reservation = this.mman.reserve(start, length);
    let current: ArrayBuffer | undefined;
    try {
      current = this.mman.buffer(reservation, start, length);
    } catch (e) {
      this.mman.release(reservation, []);
      throw new MmapError("ENOMEM", syscall, `the runtime cannot make an ArrayBuffer of ${length} bytes over the mapping: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const region = { start, end: start + length, reservation, buffers: [current], current };
    this.regions.push(region);
    return region;
  }

  /** Detaches and unmaps every region no mapping uses any more. */
  private releaseUnused(syscall: string): void {
    for (const r of [...this.regions]) {
      if (this.vmas.some((v) => v.region === r)) continue;
      this.regions.splice(this.regions.indexOf(r), 1);
      this.check(this.mman.release(r.reservation, r.buffers), syscall);
    }
  }

  private mapFile(fd: number): MappedFile {
    const copy = this.check(this.mman.dup(fd), "mmap");
    const mode = this.check(this.mman.accessMode(copy), "mmap");
    return { fd: copy, refs: 1, writable: (mode & this.platform.O.ACCMODE) === this.platform.O.RDWR };
  }

  private unref(file: MappedFile | undefined): void {
    if (!file || --file.refs > 0) return;
    // A thread attaching the memory is dup'ing this descriptor: wait (a few
    // microseconds) so that the number is not closed, and reused, under it.
    if (file.lock) while (Atomics.compareExchange(file.lock, 0, 0, -1) > 0) Atomics.wait(file.lock, 0, Atomics.load(file.lock, 0), 10);
    this.mman.close(file.fd);
  }

  /** The memfd behind MAP_SHARED|MAP_ANONYMOUS memory of `length` bytes. */
  private sharedMemory(length: number, syscall: string): MappedFile {
    const fd = this.check(this.mman.memfd(), syscall);
    const file = { fd, refs: 1, writable: true, lock: new Int32Array(new SharedArrayBuffer(4)) };
    try {
      this.check(this.mman.ftruncate(fd, BigInt(length)), syscall);
    } catch (e) {
      this.unref(file);
      throw e;
    }
    return file;
  }

  private insert(v: Vma): void {
    let i = 0;
    while (i < this.vmas.length && this.vmas[i]!.start < v.start) i++;
    this.vmas.splice(i, 0, v);
  }

  /** The address where `v`'s pages wholly past the end of its file begin (v.end when none are). */
  private eofAddress(v: Vma, syscall: string): number {
    if (!v.file) return v.end;
    const limit = up(this.check(this.mman.fsize(v.file.fd), syscall));
    return Math.min(v.end, Math.max(v.start, v.start + (limit - v.offset)));
  }

  /** Puts zero pages in place of `v`'s pages past the end of its file, so that no view can fault on them. */
  private clip(v: Vma, syscall: string): void {
    const from = this.eofAddress(v, syscall);
    if (from >= v.end) return;
    this.placeholder(from, v.end, syscall);
    this.pastEof = minus(this.pastEof, from, v.end);
    this.pastEof.push([from, v.end]);
  }

  /** Maps the file again where it has grown back over pages of [a, b) that clip() replaced. */
  private unclip(v: Vma, a: number, b: number, syscall: string): void {
    const eof = this.eofAddress(v, syscall);
    for (const [s, e] of this.pastEof) {
      const lo = Math.max(s, Math.floor(a / PAGE_SIZE) * PAGE_SIZE, v.start);
      const hi = Math.min(e, up(b), eof);
      if (lo >= hi) continue;
      const kflags = this.kernelFlags(v.flags, v.prot, true);
      this.kmap(lo, hi - lo, kflags, MAP_FIXED, v.file!.fd, v.offset + (lo - v.start), syscall);
      this.pastEof = minus(this.pastEof, lo, hi);
    }
  }

  /** Takes [a, b) out of every vma; returns the parts that were mapped. */
  private cut(a: number, b: number): Array<[number, number]> {
    const kept: Vma[] = [];
    const removed: Array<[number, number]> = [];
    const dropped: Array<{ file: MappedFile; from: number; to: number }> = [];
    for (const v of this.vmas) {
      if (v.end <= a || v.start >= b) {
        kept.push(v);
        continue;
      }
      if (v.start < a) {
        kept.push({ ...v, end: a });
        if (v.file) v.file.refs++;
      }
      if (v.end > b) {
        kept.push({ ...v, start: b, offset: v.offset + (b - v.start) });
        if (v.file) v.file.refs++;
      }
      const [s, e] = [Math.max(a, v.start), Math.min(b, v.end)];
      removed.push([s, e]);
      if (v.file?.lock && !v.file.exported) dropped.push({ file: v.file, from: v.offset + (s - v.start), to: v.offset + (e - v.start) });
      this.unref(v.file);
    }
    this.vmas = kept;
    this.pastEof = minus(this.pastEof, a, b);
    for (const d of dropped) this.forget(d.file, d.from, d.to);
    return removed;
  }

  /**
   * Shared anonymous memory no mapping shows any more reads as zeros when a
   * mapping grows over it again, as in the WASM engine: punch it out of the
   * memfd (Linux would keep it up to the size the memory was created with).
   */
  private forget(file: MappedFile, from: number, to: number): void {
    if (file.refs === 0) return;
    let gone: Array<[number, number]> = [[from, to]];
    for (const v of this.vmas) if (v.file === file) gone = minus(gone, v.offset, v.offset + (v.end - v.start));
    for (const [s, e] of gone) this.check(this.mman.punchHole(file.fd, BigInt(s), BigInt(e - s)), "munmap");
  }

  /** Splits the vma that straddles `at`, so that calls can change one side. */
  private split(at: number): void {
    const i = this.vmas.findIndex((v) => v.start < at && at < v.end);
    if (i < 0) return;
    const v = this.vmas[i]!;
    if (v.file) v.file.refs++;
    this.vmas.splice(i, 1, { ...v, end: at }, { ...v, start: at, offset: v.offset + (at - v.start) });
  }

  /** Joins neighbours that are one mapping again (same region, protection, flags, file and contiguous offsets). */
  private merge(): void {
    const out: Vma[] = [];
    for (const v of this.vmas) {
      const last = out[out.length - 1];
      if (
        last &&
        last.end === v.start &&
        last.region === v.region &&
        last.prot === v.prot &&
        last.flags === v.flags &&
        last.advice === v.advice &&
        last.file === v.file &&
        (!v.file || last.offset + (last.end - last.start) === v.offset)
      ) {
        last.end = v.end;
        this.unref(v.file);
      } else out.push(v);
    }
    this.vmas = out;
  }

  private within(a: number, b: number): Vma[] {
    return this.vmas.filter((v) => v.start < b && v.end > a);
  }

  /** True when every page of [a, b) belongs to a mapping of this engine. */
  private covered(a: number, b: number): boolean {
    let at = a;
    for (const v of this.within(a, b)) {
      if (v.start > at) return false;
      at = v.end;
    }
    return at >= b;
  }

  private regionsIn(a: number, b: number): Region[] {
    return this.regions.filter((r) => r.start < b && r.end > a);
  }

  // ---- the mman calls -------------------------------------------------------

  mmap(address: number, length: number, prot: number, flags: number, fd: number, offset: number, path?: string): number {
    const type = flags & MAP_TYPE;
    if (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== MAP_SHARED_VALIDATE) throw this.error("EINVAL", "mmap");
    if (type === MAP_SHARED_VALIDATE && (flags & ~VALIDATE_KNOWN) !== 0) throw this.error("EOPNOTSUPP", "mmap");
    const anonymous = (flags & MAP_ANONYMOUS) !== 0;
    if (!anonymous && !this.files.has(fd)) throw this.error("EBADF", "mmap");
    const len = up(length);
    // Linux backs MAP_SHARED|MAP_ANONYMOUS with a shmem file too; a memfd lets workers map it (attach).
    const file = anonymous ? (sharedType(flags) ? this.sharedMemory(len, "mmap") : undefined) : this.mapFile(fd);
    return this.mapOwning(file, address, len, prot, flags, anonymous ? 0 : offset, path);
  }

  /** mapAt with `file`'s reference handed to the new vma, or dropped if the mapping fails first. */
  private mapOwning(file: MappedFile | undefined, address: number, len: number, prot: number, flags: number, offset: number, path?: string): number {
    try {
      return this.mapAt(address, len, prot, flags, file, offset, path);
    } catch (e) {
      // A vma recorded before the failure (clip's fstat) holds the descriptor now.
      if (!this.vmas.some((v) => v.file === file)) this.unref(file);
      throw e;
    }
  }

  /** Maps `file` (or anonymous memory) at `address` as the mode in `flags` says, and records the vma. */
  private mapAt(address: number, len: number, prot: number, flags: number, file: MappedFile | undefined, offset: number, path?: string): number {
    const kflags = this.kernelFlags(flags, prot, file !== undefined);
    const kfd = file?.fd ?? -1;
    const mode = flags & MAP_FIXED_NOREPLACE ? "noreplace" : flags & MAP_FIXED ? "fixed" : address !== 0 ? "hint" : "any";

    let region: Region | undefined;
    let at = -1;
    if (mode !== "any") {
      const a = mode === "hint" ? Math.floor(address / PAGE_SIZE) * PAGE_SIZE : address;
      const own = this.regionsIn(a, a + len);
      const inside = own.length === 1 && own[0]!.start <= a && a + len <= own[0]!.end;
      const occupied = this.within(a, a + len).length > 0;
      if (mode === "noreplace" && occupied) throw this.error("EEXIST", "mmap");
      if (inside && !(mode === "hint" && occupied)) {
        // Pages of one of this engine's regions: replace them where they are.
        at = this.kmap(a, len, kflags, MAP_FIXED, kfd, offset, "mmap", path);
        region = own[0];
      } else if (own.length > 0 && mode !== "hint") {
        throw new MmapError(
          "ENOMEM",
          "mmap",
          "the native backend replaces (MAP_FIXED) pages inside one earlier mapping of this address space only; unmap the mappings there first, or map without a fixed address",
          path === undefined ? undefined : { path },
        );
      } else if (own.length === 0 && mode !== "hint") {
        // Never MAP_FIXED over memory anymmap does not own: it may be the runtime's heap.
        try {
          at = this.kmap(a, len, kflags, this.platform.MAP_FIXED_NOREPLACE === 0 ? 0 : MAP_FIXED_NOREPLACE, kfd, offset, "mmap", path);
        } catch (e) {
          if (!(e instanceof MmapError) || e.code !== "EEXIST") throw e;
          throw new MmapError(
            "EEXIST",
            "mmap",
            "that address holds memory that is not this address space's (the runtime's own); the native backend maps at a fixed address only where nothing else is mapped",
            path === undefined ? undefined : { path },
          );
        }
        if (at !== a) {
          this.mman.munmap(at, len);
          throw this.error("EEXIST", "mmap");
        }
      } else {
        at = this.kmap(a, len, kflags, 0, kfd, offset, "mmap", path);
      }
    } else {
      at = this.kmap(0, len, kflags, 0, kfd, offset, "mmap", path);
    }

    if (region) this.cut(at, at + len);
    else {
      region = this.newRegion(at, len, "mmap");
    }
    const vma: Vma = { start: at, end: at + len, prot, flags, advice: MADV_NORMAL, offset, file, region };
    this.insert(vma);
    this.clip(vma, "mmap");
    return at;
  }

  share(address: number, length: number): EngineShare {
    const end = address + up(length);
    const vmas = this.within(address, end);
    const file = vmas[0]?.file;
    if (!this.covered(address, end) || !file?.lock || vmas.some((v) => v.file !== file)) {
      throw this.error("EINVAL", "share", "only a MAP_SHARED|MAP_ANONYMOUS mapping, all of it still mapped, can be shared");
    }
    file.exported = true;
    return { fd: file.fd, offset: vmas[0]!.offset + (address - vmas[0]!.start), lock: file.lock };
  }

  /** Maps memory another engine of this process shared (its memfd), at an address of this engine's choosing. */
  attach(share: EngineShare, length: number, prot: number): number {
    const { fd, offset, lock } = share;
    if (!acquireShared(lock)) {
      throw this.error("EBADF", "attach");
    }
    let copy: number;
    try {
      copy = this.check(this.mman.dup(fd!), "attach");
    } finally {
      releaseShared(lock);
    }
    const file: MappedFile = { fd: copy, refs: 1, writable: true, lock: new Int32Array(new SharedArrayBuffer(4)), exported: true };
    return this.mapOwning(file, 0, up(length), prot, MAP_SHARED | MAP_ANONYMOUS, offset!);
  }

  munmap(address: number, length: number): void {
    for (const [s, e] of this.cut(address, address + up(length))) this.placeholder(s, e, "munmap");
    this.releaseUnused("munmap");
  }

  msync(address: number, length: number, flags: number): void {
    if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC) || (flags & MS_ASYNC && flags & MS_SYNC)) throw this.error("EINVAL", "msync");
    const end = address + up(length);
    if (!this.covered(address, end)) throw this.error("ENOMEM", "msync");
    const os = this.os("MS", flags, "msync");
    for (const v of this.within(address, end)) {
      const a = Math.max(address, v.start);
      this.check(this.mman.msync(a, Math.min(end, v.end) - a, os), "msync");
      if (v.file && !v.file.lock && flags & MS_SYNC && sharedType(v.flags)) this.stats.syncs++;
    }
  }

  mprotect(address: number, length: number, prot: number): void {
    if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) throw this.error("EINVAL", "mprotect");
    const end = address + up(length);
    if (end === address) return;
    if (!this.covered(address, end)) throw this.error("ENOMEM", "mprotect");
    if (prot & PROT_WRITE && this.within(address, end).some((v) => v.file && sharedType(v.flags) && !v.file.writable)) {
      throw this.error("EACCES", "mprotect");
    }
    this.split(address);
    this.split(end);
    for (const v of this.within(address, end)) {
      const before = this.kernelFlags(v.flags, v.prot, v.file !== undefined);
      const after = this.kernelFlags(v.flags, prot, v.file !== undefined);
      // Shared file pages become private when they lose PROT_WRITE (stray writes stay in memory) and shared again when they regain it.
      v.prot = prot;
      if (before !== after) {
        this.kmap(v.start, v.end - v.start, after, MAP_FIXED, v.file?.fd ?? -1, v.offset, "mprotect");
        this.pastEof = minus(this.pastEof, v.start, v.end);
        this.clip(v, "mprotect");
      }
    }
    this.merge();
  }

  mremap(address: number, oldLength: number, newLength: number, flags: number, _newAddress: number): number {
    if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP) || (flags & MREMAP_FIXED && !(flags & MREMAP_MAYMOVE))) {
      throw this.error("EINVAL", "mremap");
    }
    if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) {
      throw this.error("EINVAL", "mremap", "flags: MREMAP_FIXED and MREMAP_DONTUNMAP are not supported; mremap with 'maymove' and use the new address");
    }
    const old = up(oldLength);
    const size = up(newLength);
    if (address % PAGE_SIZE !== 0 || old === 0 || size === 0) throw this.error("EINVAL", "mremap");
    const v = this.vmas.find((x) => x.start <= address && address + old <= x.end);
    if (!v) throw this.error("EFAULT", "mremap");
    if (size === old) return address;
    // Grown shared anonymous memory reads zeros, as in the WASM engine (Linux would raise SIGBUS past the first size).
    if (size > old && v.file?.lock) {
      const need = v.offset + (address - v.start) + size;
      if (this.check(this.mman.fsize(v.file.fd), "mremap") < need) this.check(this.mman.ftruncate(v.file.fd, BigInt(need)), "mremap");
    }
    if (size < old) {
      for (const [s, e] of this.cut(address + size, address + old)) this.placeholder(s, e, "mremap");
      return address;
    }
    if (v.end === address + old && this.growInPlace(v, address + size)) {
      this.merge();
      return address;
    }
    if (!(flags & MREMAP_MAYMOVE)) throw this.error("ENOMEM", "mremap");
    return this.move(v, address, old, size);
  }

  /** Extends `v` to `end` where the pages after it are free: zero pages of its region, or unmapped memory after the region. */
  private growInPlace(v: Vma, end: number): boolean {
    const from = v.end;
    const region = v.region;
    if (this.within(from, Math.min(end, region.end)).length > 0) return false;
    const kflags = this.kernelFlags(v.flags, v.prot, v.file !== undefined);
    const fd = v.file?.fd ?? -1;
    const offsetAt = (at: number) => (v.file ? v.offset + (at - v.start) : 0);
    if (end > region.end) {
      if (this.regionsIn(region.end, end).length > 0) return false;
      try {
        const at = this.kmap(region.end, end - region.end, kflags, MAP_FIXED_NOREPLACE, fd, offsetAt(region.end), "mremap");
        if (at !== region.end) {
          this.mman.munmap(at, end - region.end);
          return false;
        }
      } catch (e) {
        if (e instanceof MmapError && e.code === "EEXIST") return false;
        throw e;
      }
    }
    if (region.end > from) this.kmap(from, Math.min(end, region.end) - from, kflags, MAP_FIXED, fd, offsetAt(from), "mremap");
    if (end > region.end) {
      region.end = end;
      this.mman.resize(region.reservation, end - region.start);
      region.current = this.mman.buffer(region.reservation, region.start, end - region.start);
      region.buffers.push(region.current);
    }
    const grown: Vma = { ...v, start: from, end, offset: offsetAt(from) };
    this.insert(grown);
    if (v.file) v.file.refs++;
    this.clip(grown, "mremap");
    return true;
  }

  /** mremap(MREMAP_MAYMOVE) by mapping anew and copying what only memory holds; the old pages become zero pages. */
  private move(v: Vma, address: number, old: number, size: number): number {
    const offset = v.file ? v.offset + (address - v.start) : 0;
    const kflags = this.kernelFlags(v.flags, v.prot, v.file !== undefined);
    const at = this.kmap(0, size, kflags, 0, v.file?.fd ?? -1, offset, "mremap");
    const region = this.newRegion(at, size, "mremap");
    if (v.file) v.file.refs++;
    const moved: Vma = { ...v, start: at, end: at + size, offset, region };
    this.insert(moved);
    this.clip(moved, "mremap");
    // Shared file pages are the file's (one page cache); private and anonymous pages exist only here.
    if (!v.file || (v.flags & MAP_TYPE) === MAP_PRIVATE) {
      // Zero pages kept past an earlier end of file must not be copied over bytes the file has now.
      if (v.file && this.pastEof.length > 0) this.unclip(v, address, address + old, "mremap");
      let n = old;
      if (v.file) n = Math.min(n, Math.max(0, up(this.check(this.mman.fsize(v.file.fd), "mremap")) - offset));
      new Uint8Array(region.current, 0, n).set(new Uint8Array(v.region.current, address - v.region.start, n));
    }
    for (const [s, e] of this.cut(address, address + old)) this.placeholder(s, e, "mremap");
    this.releaseUnused("mremap");
    return at;
  }

  madvise(address: number, length: number, advice: number): void {
    if (!SAFE_ADVICE.has(advice)) throw this.error("EINVAL", "madvise");
    const end = address + up(length);
    if (!this.covered(address, end)) throw this.error("ENOMEM", "madvise");
    const os = this.os("MADV", advice, "madvise");
    for (const v of this.within(address, end)) {
      const a = Math.max(address, v.start);
      if (advice === MADV_REMOVE_LINUX && !(sharedType(v.flags) && v.prot & PROT_WRITE)) throw this.error("EINVAL", "madvise");
      this.check(this.mman.madvise(a, Math.min(end, v.end) - a, os), "madvise");
    }
    if (advice === MADV_NORMAL || advice === MADV_RANDOM || advice === MADV_SEQUENTIAL) {
      this.split(address);
      this.split(end);
      for (const v of this.within(address, end)) v.advice = advice;
      this.merge();
    }
  }

  mincore(address: number, length: number): Uint8Array {
    const end = address + up(length);
    if (!this.covered(address, end)) throw this.error("ENOMEM", "mincore");
    const vec = new Uint8Array((end - address) / PAGE_SIZE);
    if (end > address) this.check(this.mman.mincore(address, end - address, vec), "mincore");
    for (let i = 0; i < vec.length; i++) vec[i]! &= 1;
    return vec;
  }

  touch(address: number, length: number, access: number): void {
    if (length === 0) return;
    const end = address + length;
    if (!this.covered(address, end)) throw new MmapError("EFAULT", "access", hint("access", "EFAULT"));
    const need = access === ACCESS_WRITE ? PROT_WRITE : PROT_READ;
    // Protection of the whole range first, as the WASM engine checks it.
    for (const v of this.within(address, end)) {
      if (!(v.prot & need)) throw new MmapError("EACCES", "access", hint("access", "EACCES"));
    }
    for (const v of this.within(address, end)) {
      if (!v.file) continue;
      // Pages wholly past the end of the file would raise SIGBUS in this process.
      const limit = up(this.check(this.mman.fsize(v.file.fd), "access"));
      if (v.offset + (Math.min(end, v.end) - v.start) > limit) throw new MmapError("EFAULT", "access", hint("access", "SIGBUS"));
      if (this.pastEof.length > 0) this.unclip(v, address, end, "access");
    }
  }

  bytes(address: number, length: number): Uint8Array {
    const r = this.regions.find((x) => x.start <= address && address + length <= x.end);
    if (!r) throw new MmapError("EFAULT", "access", hint("access", "EFAULT"));
    return new Uint8Array(r.current, address - r.start, length);
  }

  owns(address: number): boolean {
    return this.regions.some((r) => r.start <= address && address < r.end);
  }

  residentBytes(): number {
    let pages = 0;
    for (const v of this.vmas) for (const b of this.mincore(v.start, v.end - v.start)) pages += b;
    return pages * PAGE_SIZE;
  }

  mappingCount(): number {
    return this.vmas.length;
  }
}
