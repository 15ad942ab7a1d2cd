import type { HostIOStats, OpenFlags } from "../contract/api.js";
import {
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_FIXED_NOREPLACE,
  MAP_PRIVATE,
  MAP_SHARED,
  MAP_SHARED_VALIDATE,
  MAP_VALIDATE_KNOWN,
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
import {
  ACCESS_WRITE,
  acquireShared,
  type Engine,
  type EngineShare,
  type MapKnown,
  releaseShared,
  SAFE_ADVICE,
} from "./engine.js";
import { MmapError } from "../contract/errors.js";
import { hint } from "../contract/messages.js";
import type { NativeMman, NativeReservation } from "./native-mman.js";
import { type Platform, toPlatform } from "./platform.js";
import { minus } from "../address-space/ranges.js";
import { Deque } from "./deque.js";
import { Lru } from "./lru.js";

/**
 * A file that mappings show, with the descriptor that lets parts of them be
 * mapped again (mprotect, mremap) and its size be read: one per file and
 * access mode, shared by all its mappings. Beyond a share of the
 * descriptor limit, the least recently used ones are closed and opened
 * again by path when needed (checked to be the same file).
 */
interface MappedFile {
  /** The kept descriptor, or -1 while closed (reopened by `path`). */
  fd: number;
  refs: number;
  /** Opened read-write: a shared mapping of it may become writable. */
  writable: boolean;
  /** "st_dev:st_ino" of a file mapped by descriptor (not set for shared anonymous memory). */
  id?: string;
  path?: string;
  /** The caller's descriptor while the mmap call that maps it runs. */
  borrowed?: number;
  /**
   * `fd` is also the descriptor of the file handle that mapped it, taken
   * instead of a dup because the handle closes right after (MapKnown.closesFd):
   * whichever of the handle and this file lets go of it last closes it.
   */
  sharedWithHandle?: boolean;
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
  /** Every buffer made over the region: handed to release(), which keeps the range as zero pages while any may be used. */
  buffers: ArrayBuffer[];
  /** A buffer over all of the region, made when a view needs it (`bytes`, views across a chunk's edge). */
  current?: ArrayBuffer;
  /** Buffers over CHUNK-sized, CHUNK-aligned parts of the region, by index: what small views are made of. */
  chunks: Map<number, ArrayBuffer>;
  /**
   * Zero pages standing in for file pages wholly past the end of the file,
   * by address: touching such a page in a view would raise SIGBUS. They
   * become the file's again when an access finds the file has grown.
   */
  pastEof: Array<[number, number]>;
  /** The lowest page the SIGBUS guard zero-filled since a call on the region last reported it. */
  truncatedAt?: number;
}

/** A descriptor this engine opened, with what its open learnt. */
interface OpenFile {
  /** Opened O_RDWR: a shared mapping of it may become writable. */
  readWrite: boolean;
  /** "st_dev:st_ino", from the fstat the open made. */
  id: string;
  /** st_size when the open returned. */
  size: number;
  /** The mapped file that shares this descriptor (MappedFile.sharedWithHandle). */
  mappedBy?: MappedFile;
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

const MADV_REMOVE_LINUX = 9;
const MADV_NORMAL = 0;
const MADV_RANDOM = 1;
const MADV_SEQUENTIAL = 2;

/**
 * Linux's default vm.mmap_min_addr: an unprivileged MAP_FIXED below it is
 * EPERM. The native backend refuses it even as root, whatever the sysctl
 * says: memory at address 0 cannot back an ArrayBuffer (the runtime takes a
 * null pointer for "no memory" and aborts).
 */
const MMAP_MIN_ADDR = 0x10000;

/**
 * Views that fit in one aligned 64 KiB of a region are made over a buffer
 * of those 64 KiB, kept for later views, not over the whole region: V8
 * counts an external buffer's whole length as external memory when it is
 * made, and a buffer of a large mapping set off a garbage collection on
 * every mmap (Node: a full one above ~2 GiB, milliseconds). Small chunks
 * keep random page access from adding up to V8's 64 MiB trigger quickly
 * (in Deno; Node's addon takes buffers under 64 MiB off V8's count).
 * Only `bytes` and views across a chunk's edge need the buffer of the
 * whole region (made once, on first use).
 */
const CHUNK = 2 ** 16;

const up = (n: number): number => Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;

const sharedType = (flags: number): boolean =>
  (flags & MAP_TYPE) === MAP_SHARED || (flags & MAP_TYPE) === MAP_SHARED_VALIDATE;

/**
 * The kernel's mmap behind the same Engine contract as the WASM core, for
 * the native backend. The kernel maps every page readable and writable and
 * protection is enforced here, at the API: a raw view can then never fault,
 * and a write through a view of a read-only file mapping lands in a private
 * copy that never reaches the file (read-only shared mappings are private
 * mappings in the kernel). Unmapped parts of a range that views may still
 * reach become zero pages, and so does a whole mapping once unmapped, for as
 * long as its buffers may be used (NativeMman.release): buffers are not
 * detached, which would slow every typed-array access in V8 down.
 * Node (N-API addon), Deno (--allow-ffi), Bun (bun:ffi).
 */
export class NativeEngine implements Engine {
  readonly backend = "native" as const;
  readonly maxMapping: number;
  readonly addressLimit: number;
  readonly stats: HostIOStats = { reads: 0, readBytes: 0, writes: 0, writtenBytes: 0, syncs: 0, truncates: 0 };
  /** Sorted by address, never overlapping (found by binary search: calls cost O(log n) in the number of mappings, plus a move of the shorter side). */
  private readonly vmas = new Deque<Vma>();
  /** Sorted by address, never overlapping. */
  private readonly regions = new Deque<Region>();
  /** Mapped files by "st_dev:st_ino:mode": one descriptor per file, whatever the number of its mappings. */
  private readonly mappedFiles = new Map<string, MappedFile>();
  /** Mapped files whose descriptor is open and may be closed (they have a path), least recently used first. */
  private readonly openFiles = new Lru<MappedFile>();
  /** Regions that may hold zero pages past the end of their file (clip(), the SIGBUS guard); see regrow(). */
  private readonly clipped = new Set<Region>();
  /** How many descriptors of mapped files to keep open: a quarter of RLIMIT_NOFILE. */
  private readonly descriptorBudget: number;
  private readonly identityBuffer = new Uint8Array(16);
  /** PROT_READ|PROT_WRITE and MAP_* flags in the OS's numbers, translated once. */
  private kernelProt: number | undefined;
  private readonly kernelMapFlags = new Map<number, number>();
  /** Descriptors this engine opened, by number. */
  private readonly files = new Map<number, OpenFile>();
  /** What open() writes st_dev, st_ino and st_size into. */
  private readonly openInfo = new Uint8Array(24);
  private readonly openInfoView = new DataView(this.openInfo.buffer);
  /** MS_* flags in the OS's numbers, translated once. */
  private readonly kernelSyncFlags = new Map<number, number>();
  /** The SIGBUS guard's fault count when this engine last collected faults. */
  private seenFaults: number;

  constructor(
    private readonly mman: NativeMman,
    private readonly platform: Platform,
  ) {
    this.maxMapping = Math.min(mman.maxBuffer, platform.addressLimit);
    this.addressLimit = platform.addressLimit;
    this.seenFaults = mman.faultCounter[0]!;
    const limit = mman.fdLimit();
    this.descriptorBudget = limit > 0 ? Math.max(8, Math.floor(limit / 4)) : 256;
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
    if (v === undefined)
      throw this.error("ENOTSUP", syscall, `${this.platform.name} has no equivalent of ${family} value ${value}`);
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
    const fd = this.check(this.mman.open(path, o, mode, this.openInfo), "open", path);
    const info = this.openInfoView;
    const id = `${info.getBigUint64(0, true)}:${info.getBigUint64(8, true)}`;
    this.files.set(fd, { readWrite: plus, id, size: Number(info.getBigUint64(16, true)) });
    // O_TRUNC cut the file under this engine's mappings of it, as ftruncate(0) would.
    if (o & O.TRUNC) this.truncated(id, 0, "open");
    return fd;
  }

  close(fd: number): void {
    const mapped = this.files.get(fd)?.mappedBy;
    this.files.delete(fd);
    // The descriptor is a mapped file's now too: it stays open for the mapping.
    if (mapped?.sharedWithHandle && mapped.fd === fd) {
      mapped.sharedWithHandle = false;
      return;
    }
    this.check(this.mman.close(fd), "close");
  }

  openedSize(fd: number): number | undefined {
    return this.files.get(fd)?.size;
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
    // Whichever mappings show this file, their pages past the new end must not be reachable, and the
    // file's pages again where it grew back over them: a view held across a shrink and a grow writes to the file, as on Linux.
    this.truncated(this.files.get(fd)?.id ?? this.identity(fd, "ftruncate"), length, "ftruncate");
  }

  /** The file `id` is `length` bytes now: its mappings' pages past the end go, those it grew back over return. */
  private truncated(id: string, length: number, syscall: string): void {
    for (const v of this.vmas) {
      if (v.file?.id !== id) continue;
      this.clip(v, syscall, length);
      this.unclip(v, v.start, v.end, syscall);
    }
  }

  pread(fd: number, target: Uint8Array, position: number): number {
    return this.transfer("pread", fd, target, position);
  }

  pwrite(fd: number, source: Uint8Array, position: number): number {
    const n = this.transfer("pwrite", fd, source, position);
    if (n > 0) this.regrow(fd, "pwrite");
    return n;
  }

  /**
   * After a write that may have grown the file: maps the file back where
   * it now covers zero pages that clip() put past its end, as ftruncate
   * does, so that a view held across the shrink writes to the file again.
   * Costs nothing while no region has such pages.
   */
  private regrow(fd: number, syscall: string): void {
    if (this.clipped.size === 0) return;
    const id = this.files.get(fd)?.id ?? this.identity(fd, syscall);
    for (const r of this.clipped) {
      const mine = this.within(r.start, r.end).filter((v) => v.region === r);
      if (r.pastEof.length === 0 || mine.length === 0) {
        this.clipped.delete(r);
        continue;
      }
      for (const v of mine) if (v.file?.id === id) this.unclip(v, v.start, v.end, syscall);
    }
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
  private kmap(
    address: number,
    length: number,
    flags: number,
    placement: number,
    fd: number,
    offset: number,
    syscall: string,
    path?: string,
  ): number {
    const prot = (this.kernelProt ??= this.os("PROT", PROT_READ | PROT_WRITE, syscall));
    let f = this.kernelMapFlags.get(flags | placement);
    if (f === undefined) this.kernelMapFlags.set(flags | placement, (f = this.os("MAP", flags | placement, syscall)));
    return this.check(this.mman.mmap(address, length, prot, f, fd, BigInt(offset)), syscall, path);
  }

  /** Zero pages in place of [start, end), which no mapping holds any more but views may still reach. */
  private placeholder(start: number, end: number, syscall: string): void {
    if (end > start)
      this.kmap(
        start,
        end - start,
        MAP_PRIVATE | MAP_ANONYMOUS | this.platform.MAP_NORESERVE,
        MAP_FIXED,
        -1,
        0,
        syscall,
      );
  }

  /** A region over pages just mapped at [start, start+length); its buffers are made when views need them. */
  private newRegion(start: number, length: number): Region {
    const reservation = this.mman.reserve(start, length);
    const region: Region = { start, end: start + length, reservation, buffers: [], chunks: new Map(), pastEof: [] };
    this.regions.splice(this.firstRegion(start), 0, region);
    return region;
  }

  /** A new buffer over [address, address+length) of `r`, kept for release(). */
  private makeBuffer(r: Region, address: number, length: number, syscall: string): ArrayBuffer {
    let buffer: ArrayBuffer;
    try {
      buffer = this.mman.buffer(r.reservation, address, length);
    } catch (e) {
      throw new MmapError(
        "ENOMEM",
        syscall,
        `the runtime cannot make an ArrayBuffer of ${length} bytes over the mapping: ${e instanceof Error ? e.message : String(e)}`,
        { cause: e },
      );
    }
    r.buffers.push(buffer);
    return buffer;
  }

  /**
   * The buffer over all of `r`. A buffer the program transferred away
   * (postMessage, structuredClone) is detached here, with length 0: a new
   * one over the same pages takes its place.
   */
  private whole(r: Region, syscall: string): ArrayBuffer {
    if (r.current?.byteLength === 0) r.current = undefined;
    r.current ??= this.makeBuffer(r, r.start, r.end - r.start, syscall);
    return r.current;
  }

  /** A view of [address, address+length) inside `r`: over its chunk's buffer when it fits in one. */
  private viewOf(r: Region, address: number, length: number, syscall: string): Uint8Array {
    const at = address - r.start;
    const k = Math.floor(at / CHUNK);
    if (at + length > (k + 1) * CHUNK || r.current) return new Uint8Array(this.whole(r, syscall), at, length);
    let chunk = r.chunks.get(k);
    if (!chunk || chunk.byteLength === 0) {
      chunk = this.makeBuffer(r, r.start + k * CHUNK, Math.min(CHUNK, r.end - r.start - k * CHUNK), syscall);
      r.chunks.set(k, chunk);
    }
    return new Uint8Array(chunk, at - k * CHUNK, length);
  }

  /** Detaches and unmaps those of `candidates` that no mapping uses any more. */
  private releaseUnused(candidates: Region[], syscall: string): void {
    for (const r of candidates) {
      if (this.within(r.start, r.end).some((v) => v.region === r)) continue;
      const i = this.firstRegion(r.start);
      if (this.regions.at(i) !== r) continue;
      this.regions.splice(i, 1);
      this.check(this.mman.release(r.reservation, r.buffers), syscall);
    }
  }

  /** "st_dev:st_ino" of an open descriptor. */
  private identity(fd: number, syscall: string): string {
    this.check(this.mman.identity(fd, this.identityBuffer), syscall);
    const id = new DataView(this.identityBuffer.buffer);
    return `${id.getBigUint64(0, true)}:${id.getBigUint64(8, true)}`;
  }

  /** The mapped file behind the caller's `fd`, shared with earlier mappings of the same file and mode. */
  private mapFile(fd: number, path: string | undefined, closesFd: boolean): MappedFile {
    const opened = this.files.get(fd);
    let writable: boolean;
    let id: string;
    if (opened) {
      writable = opened.readWrite;
      id = opened.id;
    } else {
      const mode = this.check(this.mman.accessMode(fd), "mmap");
      writable = (mode & this.platform.O.ACCMODE) === this.platform.O.RDWR;
      id = this.identity(fd, "mmap");
    }
    const key = `${id}:${writable ? "rw" : "r"}`;
    const known = this.mappedFiles.get(key);
    if (known) {
      known.refs++;
      known.path ??= path;
      return known;
    }
    const file: MappedFile = { fd: -1, refs: 1, writable, id, path };
    // Past the budget, a file with a path keeps no descriptor until a call needs one.
    if (path === undefined || this.openFiles.size < this.descriptorBudget) {
      if (opened && closesFd) {
        // The caller closes its descriptor right after: the mapping keeps it instead of a dup.
        file.fd = fd;
        file.sharedWithHandle = true;
        opened.mappedBy = file;
      } else file.fd = this.check(this.mman.dup(fd), "mmap");
      this.keepOpen(file);
    }
    this.mappedFiles.set(key, file);
    return file;
  }

  /** Marks `file`'s descriptor as just used; closes the least recently used ones beyond the budget. */
  private keepOpen(file: MappedFile): void {
    if (file.path === undefined || file.lock || file.fd < 0) return;
    this.openFiles.use(file);
    for (const old of this.openFiles) {
      if (this.openFiles.size <= this.descriptorBudget) break;
      if (old === file) continue;
      this.openFiles.delete(old);
      this.letGo(old);
    }
  }

  /** Closes `file`'s descriptor, or leaves it to the file handle that shares it. */
  private letGo(file: MappedFile): void {
    if (file.fd < 0) return;
    if (file.sharedWithHandle) {
      file.sharedWithHandle = false;
      const handle = this.files.get(file.fd);
      if (handle?.mappedBy === file) handle.mappedBy = undefined;
    } else this.mman.close(file.fd);
    file.fd = -1;
  }

  /** A descriptor of `file`: the kept one, the caller's during its mmap, or the file opened again by its path. */
  private fdOf(file: MappedFile, syscall: string): number {
    if (file.borrowed !== undefined) return file.borrowed;
    if (file.fd >= 0) {
      this.keepOpen(file);
      return file.fd;
    }
    const O = this.platform.O;
    const fd = file.path === undefined ? -9 : this.mman.open(file.path, file.writable ? O.RDWR : O.RDONLY, 0);
    let same = false;
    if (fd >= 0) {
      try {
        same = this.identity(fd, syscall) === file.id;
      } catch {
        same = false;
      }
      if (!same) this.mman.close(fd);
    }
    if (!same) {
      throw new MmapError(
        "ESTALE",
        syscall,
        `the native backend keeps descriptors for at most ${this.descriptorBudget} mapped files (a quarter of the open-file limit) and opens the others again by path when a call needs them, but ${file.path ?? "this file"} is no longer there (renamed or deleted); raise the limit (ulimit -n) or map fewer files at once`,
        file.path === undefined ? undefined : { path: file.path },
      );
    }
    file.fd = fd;
    this.keepOpen(file);
    return fd;
  }

  private unref(file: MappedFile | undefined): void {
    if (!file || --file.refs > 0) return;
    // A thread attaching the memory is dup'ing this descriptor: wait (a few
    // microseconds) so that the number is not closed, and reused, under it.
    if (file.lock)
      while (Atomics.compareExchange(file.lock, 0, 0, -1) > 0)
        Atomics.wait(file.lock, 0, Atomics.load(file.lock, 0), 10);
    if (file.id !== undefined) this.mappedFiles.delete(`${file.id}:${file.writable ? "rw" : "r"}`);
    this.openFiles.delete(file);
    this.letGo(file);
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
    this.vmas.splice(this.firstVma(v.start), 0, v);
  }

  /** The index of the first vma that ends after `address` (binary search). */
  private firstVma(address: number): number {
    const list = this.vmas;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list.at(mid)!.end <= address) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The index of the first region that ends after `address` (binary search). */
  private firstRegion(address: number): number {
    const list = this.regions;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list.at(mid)!.end <= address) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private regionAt(address: number): Region | undefined {
    const r = this.regions.at(this.firstRegion(address));
    return r && r.start <= address ? r : undefined;
  }

  /** The address where `v`'s pages wholly past the end of its file begin (v.end when none are); `size` if the caller just read it. */
  private eofAddress(v: Vma, syscall: string, size?: number): number {
    if (!v.file) return v.end;
    const limit = up(size ?? this.check(this.mman.fsize(this.fdOf(v.file, syscall)), syscall));
    return Math.min(v.end, Math.max(v.start, v.start + (limit - v.offset)));
  }

  /** Puts zero pages in place of `v`'s pages past the end of its file, so that no view can fault on them. */
  private clip(v: Vma, syscall: string, size?: number): void {
    const from = this.eofAddress(v, syscall, size);
    if (from >= v.end) return;
    this.placeholder(from, v.end, syscall);
    const r = v.region;
    r.pastEof = minus(r.pastEof, from, v.end);
    r.pastEof.push([from, v.end]);
    this.clipped.add(r);
  }

  /** Maps the file again where it has grown back over pages of [a, b) that clip() replaced. */
  private unclip(v: Vma, a: number, b: number, syscall: string): void {
    const eof = this.eofAddress(v, syscall);
    const r = v.region;
    for (const [s, e] of r.pastEof) {
      const lo = Math.max(s, Math.floor(a / PAGE_SIZE) * PAGE_SIZE, v.start);
      const hi = Math.min(e, up(b), eof);
      if (lo >= hi) continue;
      const kflags = this.kernelFlags(v.flags, v.prot, true);
      this.kmap(lo, hi - lo, kflags, MAP_FIXED, this.fdOf(v.file!, syscall), v.offset + (lo - v.start), syscall);
      r.pastEof = minus(r.pastEof, lo, hi);
    }
  }

  /** Takes [a, b) out of every vma; returns the parts that were mapped. */
  private cut(a: number, b: number): Array<[number, number]> {
    const kept: Vma[] = [];
    const removed: Array<[number, number]> = [];
    const dropped: Array<{ file: MappedFile; from: number; to: number }> = [];
    const first = this.firstVma(a);
    let last = first;
    while (last < this.vmas.length && this.vmas.at(last)!.start < b) last++;
    for (const v of this.vmas.slice(first, last)) {
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
      if (v.file?.lock && !v.file.exported)
        dropped.push({ file: v.file, from: v.offset + (s - v.start), to: v.offset + (e - v.start) });
      this.unref(v.file);
    }
    this.vmas.splice(first, last - first, ...kept);
    for (const r of this.regionsIn(a, b)) r.pastEof = minus(r.pastEof, a, b);
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
    for (const [s, e] of gone)
      this.check(this.mman.punchHole(this.fdOf(file, "munmap"), BigInt(s), BigInt(e - s)), "munmap");
  }

  /** Splits the vma that straddles `at`, so that calls can change one side. */
  private split(at: number): void {
    const i = this.firstVma(at);
    const v = this.vmas.at(i);
    if (!v || v.start >= at) return;
    if (v.file) v.file.refs++;
    this.vmas.splice(i, 1, { ...v, end: at }, { ...v, start: at, offset: v.offset + (at - v.start) });
  }

  /** Joins neighbours around [a, b) that are one mapping again (same region, protection, flags, file and contiguous offsets). */
  private merge(a: number, b: number): void {
    const out: Vma[] = [];
    const first = Math.max(0, this.firstVma(a) - 1);
    const last = Math.min(this.vmas.length, this.firstVma(b) + 1);
    for (const v of this.vmas.slice(first, last)) {
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
    this.vmas.splice(first, last - first, ...out);
  }

  private within(a: number, b: number): Vma[] {
    const out: Vma[] = [];
    for (let i = this.firstVma(a); i < this.vmas.length && this.vmas.at(i)!.start < b; i++) out.push(this.vmas.at(i)!);
    return out;
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
    const out: Region[] = [];
    for (let i = this.firstRegion(a); i < this.regions.length && this.regions.at(i)!.start < b; i++)
      out.push(this.regions.at(i)!);
    return out;
  }

  // ---- the mman calls -------------------------------------------------------

  mmap(
    address: number,
    length: number,
    prot: number,
    flags: number,
    fd: number,
    offset: number,
    path?: string,
    known?: MapKnown,
  ): number {
    const type = flags & MAP_TYPE;
    if (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== MAP_SHARED_VALIDATE) throw this.error("EINVAL", "mmap");
    if (type === MAP_SHARED_VALIDATE && (flags & ~MAP_VALIDATE_KNOWN) !== 0) throw this.error("ENOTSUP", "mmap");
    const anonymous = (flags & MAP_ANONYMOUS) !== 0;
    if (!anonymous && !this.files.has(fd)) throw this.error("EBADF", "mmap");
    const len = up(length);
    // Linux backs MAP_SHARED|MAP_ANONYMOUS with a shmem file too; a memfd lets workers map it (attach).
    const file = anonymous
      ? sharedType(flags)
        ? this.sharedMemory(len, "mmap")
        : undefined
      : this.mapFile(fd, path, known?.closesFd === true);
    if (file && !anonymous) file.borrowed = fd;
    try {
      return this.mapOwning(file, address, len, prot, flags, anonymous ? 0 : offset, path, known?.fileSize);
    } finally {
      if (file) file.borrowed = undefined;
    }
  }

  /** mapAt with `file`'s reference handed to the new vma, or dropped if the mapping fails first. */
  private mapOwning(
    file: MappedFile | undefined,
    address: number,
    len: number,
    prot: number,
    flags: number,
    offset: number,
    path?: string,
    fileSize?: number,
  ): number {
    try {
      return this.mapAt(address, len, prot, flags, file, offset, path, fileSize);
    } catch (e) {
      // A vma recorded before the failure (clip's fstat) holds the descriptor now.
      if (!this.vmas.some((v) => v.file === file)) this.unref(file);
      throw e;
    }
  }

  /** Maps `file` (or anonymous memory) at `address` as the mode in `flags` says, and records the vma. */
  private mapAt(
    address: number,
    len: number,
    prot: number,
    flags: number,
    file: MappedFile | undefined,
    offset: number,
    path?: string,
    fileSize?: number,
  ): number {
    const kflags = this.kernelFlags(flags, prot, file !== undefined);
    const kfd = file ? this.fdOf(file, "mmap") : -1;
    const mode =
      flags & MAP_FIXED_NOREPLACE ? "noreplace" : flags & MAP_FIXED ? "fixed" : address !== 0 ? "hint" : "any";

    let region: Region | undefined;
    let at = -1;
    if ((mode === "fixed" || mode === "noreplace") && address < MMAP_MIN_ADDR) {
      throw new MmapError(
        "EPERM",
        "mmap",
        `a fixed address below ${MMAP_MIN_ADDR} (0x${MMAP_MIN_ADDR.toString(16)}, Linux's mmap_min_addr) cannot be mapped; map without a fixed address or at a higher one`,
        path === undefined ? undefined : { path },
      );
    }
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
        // A released mapping's zero pages, kept for its stale views, make room: their buffers are detached first.
        this.check(this.mman.evict(a, len), "mmap", path);
        // Never MAP_FIXED over memory anymmap does not own: it may be the runtime's heap.
        try {
          at = this.kmap(
            a,
            len,
            kflags,
            this.platform.MAP_FIXED_NOREPLACE === 0 ? 0 : MAP_FIXED_NOREPLACE,
            kfd,
            offset,
            "mmap",
            path,
          );
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
      region = this.newRegion(at, len);
    }
    const vma: Vma = { start: at, end: at + len, prot, flags, advice: MADV_NORMAL, offset, file, region };
    this.insert(vma);
    // A size read in this same call is as good as one read now: a truncation since is the SIGBUS guard's.
    this.clip(vma, "mmap", fileSize);
    return at;
  }

  share(address: number, length: number): EngineShare {
    const end = address + up(length);
    const vmas = this.within(address, end);
    const file = vmas[0]?.file;
    if (!this.covered(address, end) || !file?.lock || vmas.some((v) => v.file !== file)) {
      throw this.error(
        "EINVAL",
        "share",
        "only a MAP_SHARED|MAP_ANONYMOUS mapping, all of it still mapped, can be shared",
      );
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
      copy = this.check(this.mman.dupMemfd(fd!), "attach");
    } finally {
      releaseShared(lock);
    }
    const file: MappedFile = {
      fd: copy,
      refs: 1,
      writable: true,
      lock: new Int32Array(new SharedArrayBuffer(4)),
      exported: true,
    };
    // A handle edited after share() could name pages past the memory's end: they would fault.
    const size = this.mman.fsize(copy);
    if (size < 0 || offset! + up(length) > size) {
      this.unref(file);
      throw this.error(
        "EINVAL",
        "attach",
        `the handle's offset and length pass the end of the shared memory (${size} bytes): pass the handle share() returned unchanged`,
      );
    }
    return this.mapOwning(file, 0, up(length), prot, MAP_SHARED | MAP_ANONYMOUS, offset!);
  }

  munmap(address: number, length: number): void {
    const end = address + up(length);
    const regions = this.regionsIn(address, end);
    const removed = this.cut(address, end);
    // A region left without mappings is released whole (zero pages for its buffers, in one call): no zero pages needed here.
    const emptied = new Set(regions.filter((r) => this.within(r.start, r.end).every((v) => v.region !== r)));
    for (const [s, e] of removed) {
      const r = this.regionAt(s);
      if (!r || !emptied.has(r)) this.placeholder(s, e, "munmap");
    }
    this.releaseUnused(regions, "munmap");
  }

  msync(address: number, length: number, flags: number): void {
    if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC) || (flags & MS_ASYNC && flags & MS_SYNC))
      throw this.error("EINVAL", "msync");
    const end = address + up(length);
    if (!this.covered(address, end)) throw this.error("ENOMEM", "msync");
    let os = this.kernelSyncFlags.get(flags);
    if (os === undefined) this.kernelSyncFlags.set(flags, (os = this.os("MS", flags, "msync")));
    for (const v of this.within(address, end)) {
      const a = Math.max(address, v.start);
      // Pages the kernel maps privately (anonymous, private, read-only shared) have nowhere to be written.
      if ((this.kernelFlags(v.flags, v.prot, v.file !== undefined) & MAP_TYPE) !== MAP_PRIVATE)
        this.check(this.mman.msync(a, Math.min(end, v.end) - a, os), "msync");
      if (v.file && !v.file.lock && flags & MS_SYNC && sharedType(v.flags)) this.stats.syncs++;
    }
    // Only where a store could have been lost (Mapping.munmap syncs first, so this covers it too); a fault
    // in a read-only or private mapping lost nothing and is told by the next view or read, as before.
    if (!this.within(address, end).some((v) => v.file && sharedType(v.flags) && v.prot & PROT_WRITE)) return;
    const lost = this.unreportedTruncation(address, end, "msync");
    if (lost) throw lost;
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
        this.kmap(
          v.start,
          v.end - v.start,
          after,
          MAP_FIXED,
          v.file ? this.fdOf(v.file, "mprotect") : -1,
          v.offset,
          "mprotect",
        );
        v.region.pastEof = minus(v.region.pastEof, v.start, v.end);
        this.clip(v, "mprotect");
      }
    }
    this.merge(address, end);
  }

  mremap(address: number, oldLength: number, newLength: number, flags: number, _newAddress: number): number {
    if (
      flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP) ||
      (flags & MREMAP_FIXED && !(flags & MREMAP_MAYMOVE))
    ) {
      throw this.error("EINVAL", "mremap");
    }
    if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) {
      throw this.error(
        "EINVAL",
        "mremap",
        "flags: MREMAP_FIXED and MREMAP_DONTUNMAP are not supported; mremap with 'maymove' and use the new address",
      );
    }
    const old = up(oldLength);
    const size = up(newLength);
    if (address % PAGE_SIZE !== 0 || old === 0 || size === 0) throw this.error("EINVAL", "mremap");
    const v = this.vmas.at(this.firstVma(address));
    if (!v || v.start > address || address + old > v.end) throw this.error("EFAULT", "mremap");
    if (size === old) return address;
    // Grown shared anonymous memory reads zeros, as in the WASM engine (Linux would raise SIGBUS past the first size).
    if (size > old && v.file?.lock) {
      const need = v.offset + (address - v.start) + size;
      const fd = this.fdOf(v.file, "mremap");
      if (this.check(this.mman.fsize(fd), "mremap") < need) this.check(this.mman.ftruncate(fd, BigInt(need)), "mremap");
    }
    if (size < old) {
      for (const [s, e] of this.cut(address + size, address + old)) this.placeholder(s, e, "mremap");
      return address;
    }
    if (v.end === address + old && this.growInPlace(v, address + size)) {
      this.merge(address, address + size);
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
    const fd = v.file ? this.fdOf(v.file, "mremap") : -1;
    const offsetAt = (at: number) => (v.file ? v.offset + (at - v.start) : 0);
    if (end > region.end) {
      if (this.regionsIn(region.end, end).length > 0) return false;
      this.check(this.mman.evict(region.end, end - region.end), "mremap");
      try {
        const at = this.kmap(
          region.end,
          end - region.end,
          kflags,
          MAP_FIXED_NOREPLACE,
          fd,
          offsetAt(region.end),
          "mremap",
        );
        if (at !== region.end) {
          this.mman.munmap(at, end - region.end);
          return false;
        }
      } catch (e) {
        if (e instanceof MmapError && e.code === "EEXIST") return false;
        throw e;
      }
    }
    if (region.end > from)
      this.kmap(from, Math.min(end, region.end) - from, kflags, MAP_FIXED, fd, offsetAt(from), "mremap");
    if (end > region.end) {
      // Buffers made so far keep their length (views of them stay valid); new ones cover the grown region.
      region.chunks.delete(Math.floor((region.end - region.start - 1) / CHUNK));
      region.end = end;
      this.mman.resize(region.reservation, end - region.start);
      region.current = undefined;
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
    const at = this.kmap(0, size, kflags, 0, v.file ? this.fdOf(v.file, "mremap") : -1, offset, "mremap");
    const region = this.newRegion(at, size);
    if (v.file) v.file.refs++;
    const moved: Vma = { ...v, start: at, end: at + size, offset, region };
    this.insert(moved);
    this.clip(moved, "mremap");
    // Shared file pages are the file's (one page cache); private and anonymous pages exist only here.
    if (!v.file || (v.flags & MAP_TYPE) === MAP_PRIVATE) {
      // Zero pages kept past an earlier end of file must not be copied over bytes the file has now.
      if (v.file && v.region.pastEof.length > 0) this.unclip(v, address, address + old, "mremap");
      let n = old;
      if (v.file)
        n = Math.min(n, Math.max(0, up(this.check(this.mman.fsize(this.fdOf(v.file, "mremap")), "mremap")) - offset));
      for (let done = 0; done < n; done += CHUNK) {
        const part = Math.min(CHUNK, n - done);
        this.viewOf(region, at + done, part, "mremap").set(this.viewOf(v.region, address + done, part, "mremap"));
      }
    }
    for (const [s, e] of this.cut(address, address + old)) this.placeholder(s, e, "mremap");
    this.releaseUnused([v.region], "mremap");
    return at;
  }

  madvise(address: number, length: number, advice: number): void {
    if (!SAFE_ADVICE.has(advice)) throw this.error("EINVAL", "madvise");
    const end = address + up(length);
    // Linux's madvise_remove: private anonymous memory is EINVAL, a private file mapping EACCES, before the ENOMEM
    // of a hole; a shared mapping is the kernel's to judge (a read-only shared file mapping is private to the kernel
    // here: EACCES, which kernels that want VM_WRITE rather than VM_MAYWRITE also answer). Checked here because a
    // private mapping's pages need not be the kernel's file mapping (a moved one is copied).
    for (const v of advice === MADV_REMOVE_LINUX ? this.within(address, end) : [])
      if (!sharedType(v.flags)) throw this.error(v.file ? "EACCES" : "EINVAL", "madvise");
    if (!this.covered(address, end)) throw this.error("ENOMEM", "madvise");
    const os = this.os("MADV", advice, "madvise");
    for (const v of this.within(address, end)) {
      const a = Math.max(address, v.start);
      this.check(this.mman.madvise(a, Math.min(end, v.end) - a, os), "madvise");
    }
    if (advice === MADV_NORMAL || advice === MADV_RANDOM || advice === MADV_SEQUENTIAL) {
      this.split(address);
      this.split(end);
      for (const v of this.within(address, end)) v.advice = advice;
      this.merge(address, end);
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

  /**
   * Takes the pages the SIGBUS guard zero-filled (someone else truncated a
   * mapped file, then a view touched a page past the new end) into this
   * engine's books: they and the rest of the mapping past the end of the
   * file become zero pages past EOF, which the API refuses (EFAULT) and
   * which become the file's again if it grows back.
   */
  private collectFaults(): void {
    this.seenFaults = this.mman.faultCounter[0]!;
    for (const r of this.regions) {
      const page = this.mman.takeFault(r.reservation);
      if (page === 0) continue;
      r.truncatedAt = Math.min(r.truncatedAt ?? page, page);
      for (const v of this.within(r.start, r.end)) {
        if (v.region !== r || !v.file) continue;
        this.clip(v, "access");
        // A fault on a page the file has since grown back over: the zero page still stands in for it.
        if (v.start <= page && page < v.end && !r.pastEof.some(([a, b]) => a <= page && page < b))
          r.pastEof.push([page, page + PAGE_SIZE]);
        this.clipped.add(r);
      }
    }
  }

  /**
   * A truncation the SIGBUS guard absorbed in [address, end) that no call
   * has reported yet, as the error to throw (it counts as reported now):
   * the next call there, msync and munmap included, says that writes were
   * lost, since Linux would have killed the process.
   */
  private unreportedTruncation(address: number, end: number, syscall: string): MmapError | undefined {
    if (this.mman.faultCounter[0] !== this.seenFaults) this.collectFaults();
    const region = this.regionsIn(address, end).find((r) => r.truncatedAt !== undefined);
    if (!region) return undefined;
    const offset = region.truncatedAt! - region.start;
    region.truncatedAt = undefined;
    return new MmapError(
      "EFAULT",
      syscall,
      `the file was truncated by someone else (another process or another anymmap instance) while it was mapped: a view touched the page at byte ${offset} of the mapping, past the file's new end, and read zeros there (Linux would have raised SIGBUS); writes to such pages are lost, even if the file grew back since. Reads and writes past the new end fail until the file grows back (truncate())`,
    );
  }

  touch(address: number, length: number, access: number): void {
    if (length === 0) return;
    const end = address + length;
    if (this.mman.faultCounter[0] !== this.seenFaults) this.collectFaults();
    if (!this.covered(address, end)) throw new MmapError("EFAULT", "access", hint("access", "EFAULT"));
    const need = access === ACCESS_WRITE ? PROT_WRITE : PROT_READ;
    // Protection of the whole range first, as the WASM engine checks it.
    for (const v of this.within(address, end)) {
      if (!(v.prot & need)) throw new MmapError("EACCES", "access", hint("access", "EACCES"));
    }
    const lost = this.unreportedTruncation(address, end, "access");
    if (lost) throw lost;
    // Only pages known to be past the end of the file need the file's size:
    // the SIGBUS guard catches the ones someone else cut off since.
    if (!this.regionsIn(address, end).some((r) => r.pastEof.some(([a, b]) => a < end && b > address))) return;
    for (const v of this.within(address, end)) {
      if (!v.file) continue;
      const limit = up(this.check(this.mman.fsize(this.fdOf(v.file, "access")), "access"));
      if (v.offset + (Math.min(end, v.end) - v.start) > limit)
        throw new MmapError("EFAULT", "access", hint("access", "SIGBUS"));
      this.unclip(v, address, end, "access");
    }
  }

  faulted(address: number, length: number): void {
    if (this.mman.faultCounter[0] === this.seenFaults) return;
    const lost = this.unreportedTruncation(address, address + length, "access");
    if (lost) throw lost;
  }

  bytes(address: number, length: number): Uint8Array {
    const r = this.regionAt(address);
    if (!r || address + length > r.end) throw new MmapError("EFAULT", "access", hint("access", "EFAULT"));
    return this.viewOf(r, address, length, "access");
  }

  owns(address: number): boolean {
    return this.regionAt(address) !== undefined;
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
