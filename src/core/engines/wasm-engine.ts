import type { RemoteOptions } from "../remote/remote-file.js";
import type { HostIOStats, OpenFlags } from "../contract/api.js";
import {
  MADV_WILLNEED,
  MAP_FIXED,
  MAP_FIXED_NOREPLACE,
  MAP_PRIVATE,
  MAP_SHARED_VALIDATE,
  MAP_TYPE,
  MAP_VALIDATE_KNOWN,
  MREMAP_MAYMOVE,
  PAGE_SIZE,
} from "../contract/constants.js";
import { closeShared, type Engine, type EngineShare, type MapKnown, retireShared } from "./engine.js";
import { WASI_ERRNO, errnoName } from "../../abi/errno.js";
import { MmapError } from "../contract/errors.js";
import { hint, noSharedArrayBuffer } from "../contract/messages.js";
import { minus, type Range } from "../address-space/ranges.js";
import { FdMap } from "../../wasi/fd-map.js";
import type { HostFile } from "../../wasi/host-file.js";
import type { WasiHost } from "../../wasi/host.js";

/** The C core's exports (wasm/exports.txt). Pointers are i32, off_t is i64. */
interface CoreExports {
  memory: WebAssembly.Memory;
  _initialize(): void;
  anymmap_mmap_lazy(addr: number, length: number, prot: number, flags: number, fd: number, offset: bigint): number;
  munmap(addr: number, length: number): number;
  msync(addr: number, length: number, flags: number): number;
  mprotect(addr: number, length: number, prot: number): number;
  anymmap_mremap(addr: number, oldLength: number, newLength: number, flags: number, newAddr: number): number;
  madvise(addr: number, length: number, advice: number): number;
  mincore(addr: number, length: number, vec: number): number;
  anymmap_touch(addr: number, length: number, access: number): number;
  anymmap_close(fd: number): number;
  anymmap_pread(fd: number, buf: number, count: number, offset: bigint): number;
  anymmap_pwrite(fd: number, buf: number, count: number, offset: bigint): number;
  anymmap_ftruncate(fd: number, length: bigint): number;
  anymmap_io_buffer(): number;
  anymmap_io_buffer_size(): number;
  anymmap_errno(): number;
  anymmap_resident_pages(): number;
  anymmap_mapping_count(): number;
  anymmap_writeback_all(): number;
  anymmap_max_mapping(): number;
}

const MAP_FAILED = 0xffffffff;
/** Linux's default vm.max_map_count, the core's limit on mappings (MAX_VMAS in wasm/src/internal.h). */
const MAX_MAP_COUNT = 65530;
/** Where mappings end (wasm/src/internal.h AREA_END): the top 64 KiB stays unmapped. */
const AREA_END = 2 ** 32 - 65536;
const SIGBUS = 1000;
const WASI_EBADF = WASI_ERRNO.EBADF;

/** An upper bound of every engine's maxMapping (whose exact value the core computes), for memory attached from another thread. */
export const MAX_MAPPING = 2 ** 32 - 2 ** 20;

/**
 * Runs `writeBack` when the runtime exits (normal end, exit(), an uncaught
 * error, a signal with its default action): the runtime adapter's hook.
 * Called once per hook, when an engine first maps a file MAP_SHARED.
 */
export type AtExit = (writeBack: (report: (message: string) => void) => void) => void;

/** A range of this engine's memory shared with workers (share()), and what its owner unmapped of it since. */
interface Share {
  start: number;
  end: number;
  lock: Int32Array;
  freed: Range[];
}

/**
 * Engines that may hold unsynced MAP_SHARED pages: those with a shared file
 * mapping made since their mappings last dropped to none. Held weakly: an
 * address space the program still references is written back at exit, and
 * one it dropped is written back by its mappings' finalizers; a strong set
 * kept every 4 GiB engine alive until a second collection (Bun ran out of
 * memory for new ones).
 */
const unsyncedEngines = new Set<WeakRef<WasmEngine>>();
const hooked = new WeakSet<AtExit>();

/**
 * Writes back every dirty MAP_SHARED page of every engine, as the kernel's
 * page cache would keep them past the process. Synchronous (exit handlers
 * cannot wait); a file that fails is told to `report` (the runtime's stderr),
 * the others still written.
 */
export function writeBackAllEngines(report: (message: string) => void): void {
  for (const ref of unsyncedEngines) {
    const engine = ref.deref();
    if (engine === undefined) {
      unsyncedEngines.delete(ref);
      continue;
    }
    let code: string | undefined;
    try {
      code = engine.writeBackAll();
    } catch (e) {
      // The other engines, and the runtime's other exit handlers, still run.
      code = String(e);
    }
    // Nobody is left to throw to: stderr is the only place the loss can be told.
    if (code) report(`anymmap: some unsynced MAP_SHARED writes could not be written to their files at exit (${code})`);
  }
}

/** Opens a host file; throws MmapError (syscall "open") on failure. */
export type OpenHostFile = (path: string, flags: OpenFlags, mode?: number, remote?: RemoteOptions) => HostFile;

/**
 * One instance of the C core and the host it runs on: calls in, errors out
 * as MmapError. All runtimes.
 */
export class WasmEngine implements Engine {
  readonly backend = "wasm" as const;
  readonly addressLimit = 2 ** 32;
  readonly memory: WebAssembly.Memory;
  private readonly core: CoreExports;
  private readonly ioBuffer: number;
  private readonly ioSize: number;
  /** The host files behind descriptors this engine opened, for fstat and fsync. */
  private readonly files = new FdMap<HostFile>();
  /**
   * Ranges of linear memory handed to workers (share()), with the count of
   * workers attached. `freed` parts were unmapped here while workers still
   * used them: they stay mapped in the core until the count drops to 0.
   */
  private shares: Share[] = [];

  constructor(
    module: WebAssembly.Module,
    readonly host: WasiHost,
    private readonly openHostFile: OpenHostFile,
    private readonly atExit?: AtExit,
  ) {
    let instance: WebAssembly.Instance;
    try {
      instance = new WebAssembly.Instance(module, host.imports());
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      throw new MmapError(
        "ENOMEM",
        "mmap",
        "the runtime could not reserve this address space's 4 GiB WebAssembly memory: too many address spaces are alive at once; munmap and drop the createInstance() instances you no longer use, or use the native backend",
        { cause: e },
      );
    }
    this.core = instance.exports as unknown as CoreExports;
    this.memory = this.core.memory;
    host.setMemory(this.memory);
    this.core._initialize();
    this.ioBuffer = this.core.anymmap_io_buffer() >>> 0;
    this.ioSize = this.core.anymmap_io_buffer_size() >>> 0;
  }

  /** The longest mapping there is room for with nothing else mapped (4 GiB less the core's tables and heap); fragmentation may leave less. */
  get maxMapping(): number {
    return this.core.anymmap_max_mapping() >>> 0;
  }

  get stats(): HostIOStats {
    return this.host.stats;
  }

  resetStats(): void {
    this.host.resetStats();
  }

  open(path: string, flags: OpenFlags, mode?: number, remote?: RemoteOptions): number {
    if (flags === "w" || flags === "w+") this.truncateThroughCore(path);
    const file = this.openHostFile(path, flags, mode, remote);
    const fd = this.host.open(file);
    this.files.set(fd, file);
    return fd;
  }

  /**
   * An open that truncates, through the core first: its pages of the file
   * (mapped, maybe dirty) go as Linux's truncation drops them. The host's
   * own O_TRUNC left a mapping showing the old bytes, and its writes were
   * lost without an error. A file that cannot be opened for writing is left
   * to the open itself to report.
   */
  private truncateThroughCore(path: string): void {
    let file: HostFile;
    try {
      file = this.openHostFile(path, "r+");
    } catch {
      return;
    }
    const fd = this.host.open(file);
    this.files.set(fd, file);
    try {
      this.check(this.core.anymmap_ftruncate(fd, 0n), "open");
    } finally {
      this.close(fd);
    }
  }

  openedSize(fd: number): number | undefined {
    const st = this.files.get(fd)?.openedStat;
    return st === undefined ? undefined : Number(st.size);
  }

  sharedWritable(fd: number): boolean {
    const file = this.files.get(fd);
    return file?.writable === true && !file.append;
  }

  size(fd: number, path: string): number {
    const st = this.files.get(fd)?.stat() ?? -WASI_EBADF;
    if (typeof st === "number") {
      throw MmapError.fromWasi(-st, "fstat", "cannot read the file's size", { path });
    }
    return Number(st.size);
  }

  fsync(fd: number, path: string): void {
    const err = this.files.get(fd)?.sync() ?? -WASI_EBADF;
    if (err < 0) throw MmapError.fromWasi(-err, "fsync", "the file system could not sync the file", { path });
  }

  /** True when the memory is a shared WebAssembly.Memory (anymmap-shared.wasm). */
  get sharedMemory(): boolean {
    return typeof SharedArrayBuffer !== "undefined" && this.memory.buffer instanceof SharedArrayBuffer;
  }

  share(address: number, length: number): EngineShare {
    if (typeof SharedArrayBuffer === "undefined")
      throw new MmapError("ENOTSUP", "share", noSharedArrayBuffer("this runtime"));
    if (!this.sharedMemory) {
      throw new MmapError(
        "ENOTSUP",
        "share",
        "this address space's WebAssembly memory is not shared: map the memory in createInstance({ sharedMemory: true }) (or use the native backend) to share it with workers",
      );
    }
    // Every page becomes resident now: a page a worker wrote must never be zero-filled by a later first touch here.
    this.check(this.core.madvise(address, length, MADV_WILLNEED), "share");
    const end = address + length;
    let share = this.shares.find((x) => x.start === address && x.end === end);
    if (!share)
      this.shares.push((share = { start: address, end, lock: new Int32Array(new SharedArrayBuffer(4)), freed: [] }));
    return { buffer: this.memory.buffer as unknown as SharedArrayBuffer, lock: share.lock };
  }

  /**
   * Shared ranges that workers still use over [address, address+length),
   * whose pages are about to be unmapped, replaced or moved: ranges no worker
   * uses are closed for good (-1), so that no worker attaches them any more
   * (their handles are EBADF: share again after an mremap), and forgotten.
   */
  private inUse(address: number, length: number): Share[] {
    const out = [];
    for (const x of [...this.shares]) {
      if (x.end <= address || x.start >= address + length) continue;
      if (retireShared(x.lock)) this.shares.splice(this.shares.indexOf(x), 1);
      else out.push(x);
    }
    return out;
  }

  /** Unmaps what was unmapped here while workers used it, once none does. */
  private sweep(): void {
    for (const x of [...this.shares]) {
      if (x.freed.length === 0 || !retireShared(x.lock)) continue;
      this.shares.splice(this.shares.indexOf(x), 1);
      for (const [a, b] of x.freed) this.check(this.core.munmap(a, b - a), "munmap");
    }
  }

  owns(address: number): boolean {
    return address < this.addressLimit;
  }

  /** A view of linear memory; the memory never grows, so it never detaches. */
  bytes(address: number, length: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, address, length);
  }

  private fail(syscall: string, path?: string): never {
    const code = errnoName(this.core.anymmap_errno());
    throw new MmapError(code, syscall, hint(syscall, code), path === undefined ? undefined : { path });
  }

  private check(result: number, syscall: string): void {
    if (result !== 0) this.fail(syscall);
  }

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
    if (this.shares.length > 0) {
      this.sweep();
      if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE) && this.inUse(address, length).length > 0) {
        throw new MmapError(
          "EBUSY",
          "mmap",
          "workers have attached memory in this range: a fixed mapping here would replace the pages they see; map elsewhere",
          path === undefined ? undefined : { path },
        );
      }
    }
    if ((flags & MAP_TYPE) === MAP_SHARED_VALIDATE) {
      if (flags & ~MAP_VALIDATE_KNOWN) {
        throw new MmapError("ENOTSUP", "mmap", hint("mmap", "ENOTSUP"), path === undefined ? undefined : { path });
      }
      // Hints Linux validates but the engine has no use for (MAP_32BIT, MAP_UNINITIALIZED, huge page sizes):
      // its own check would refuse them.
      flags &= ~(0x40 | 0xfc000000);
    }
    // The core's fstat of a file opened in this same call is the open's.
    const fresh = known?.closesFd ? this.files.get(fd)?.openedStat : undefined;
    if (fresh) this.host.presetStat(fd, fresh);
    let at: number;
    try {
      at = this.core.anymmap_mmap_lazy(address, length, prot, flags, fd, BigInt(offset)) >>> 0;
    } finally {
      if (fresh) this.host.presetStat(fd, undefined);
    }
    if (at === MAP_FAILED) {
      const lowest = AREA_END - this.maxMapping;
      if (flags & MAP_FIXED && address < lowest && errnoName(this.core.anymmap_errno()) === "ENOMEM") {
        throw new MmapError(
          "ENOMEM",
          "mmap",
          `a fixed mapping must lie between ${lowest} (0x${lowest.toString(16)}; it moves up as the engine's heap grows) and 4 GiB - 64 KiB: the memory below is the engine's own (its C heap and tables); pick an address in that range, or drop 'fixed' and let anymmap choose`,
          path === undefined ? undefined : { path },
        );
      }
      if (errnoName(this.core.anymmap_errno()) === "ENOMEM" && this.mappingCount() >= MAX_MAP_COUNT) {
        throw new MmapError(
          "ENOMEM",
          "mmap",
          `${this.mappingCount()} mappings already exist, Linux's default limit (vm.max_map_count), which the engine keeps too; unmap some first`,
          path === undefined ? undefined : { path },
        );
      }
      this.fail("mmap", path);
    }
    if (fd >= 0 && (flags & MAP_TYPE) !== MAP_PRIVATE) this.mayHoldUnsynced();
    return at;
  }

  /** This engine's entry among those written back at exit. */
  private exitRef?: WeakRef<WasmEngine>;

  /**
   * Puts this engine among those written back at exit, hooking the runtime's
   * exit once. Not where the runtime has no exit hook (browsers): a WeakRef
   * keeps its target alive until the current task ends, so a task that made
   * many address spaces would hold all their memories at once (Chromium then
   * refuses new ones).
   */
  private mayHoldUnsynced(): void {
    if (!this.atExit) return;
    this.exitRef ??= new WeakRef(this);
    unsyncedEngines.add(this.exitRef);
    if (!hooked.has(this.atExit)) {
      hooked.add(this.atExit);
      this.atExit(writeBackAllEngines);
    }
  }

  /** Writes every dirty MAP_SHARED page back; undefined, or the first failure's errno name. */
  writeBackAll(): string | undefined {
    const err = this.core.anymmap_writeback_all();
    return err === 0 ? undefined : errnoName(err);
  }

  munmap(address: number, length: number): void {
    this.unmap(address, length);
    if (this.core.anymmap_mapping_count() === 0 && this.exitRef) unsyncedEngines.delete(this.exitRef);
  }

  private unmap(address: number, length: number): void {
    if (this.shares.length > 0) {
      this.sweep();
      const end = address + length;
      // Pages workers still use stay mapped in the core (not in the caller's Mapping) until they detach.
      let parts: Range[] = [[address, end]];
      for (const x of this.inUse(address, length)) {
        const a = Math.max(address, x.start);
        const b = Math.min(end, Math.ceil(x.end / PAGE_SIZE) * PAGE_SIZE);
        x.freed.push([a, b]);
        // A thread that attaches from now on would find memory its owner unmapped.
        closeShared(x.lock);
        parts = minus(parts, a, b);
      }
      for (const [s, e] of parts) this.check(this.core.munmap(s, e - s), "munmap");
      return;
    }
    this.check(this.core.munmap(address, length), "munmap");
  }

  msync(address: number, length: number, flags: number): void {
    this.check(this.core.msync(address, length, flags), "msync");
  }

  mprotect(address: number, length: number, prot: number): void {
    this.check(this.core.mprotect(address, length, prot), "mprotect");
  }

  mremap(address: number, oldLength: number, newLength: number, flags: number, newAddress: number): number {
    if (this.shares.length > 0 && this.inUse(address, oldLength).length > 0) {
      if (newLength < oldLength) {
        throw new MmapError(
          "EBUSY",
          "mremap",
          "workers have attached this memory: it cannot shrink while they use it; munmap the part instead",
        );
      }
      if (flags & MREMAP_MAYMOVE) {
        // Moving would leave the workers the old pages: grow in place only.
        try {
          return this.mremap(address, oldLength, newLength, flags & ~MREMAP_MAYMOVE, newAddress);
        } catch (e) {
          if (!(e instanceof MmapError) || e.code !== "ENOMEM") throw e;
          throw new MmapError(
            "ENOMEM",
            "mremap",
            "workers have attached this memory, so it may grow only in place, and the pages after it are in use; map a new region instead",
            { cause: e },
          );
        }
      }
    }
    const at = this.core.anymmap_mremap(address, oldLength, newLength, flags, newAddress) >>> 0;
    if (at === MAP_FAILED) this.fail("mremap");
    return at;
  }

  madvise(address: number, length: number, advice: number): void {
    this.check(this.core.madvise(address, length, advice), "madvise");
  }

  mincore(address: number, length: number): Uint8Array {
    const pages = Math.ceil(length / PAGE_SIZE);
    const out = new Uint8Array(pages);
    for (let done = 0; done < pages; ) {
      const n = Math.min(pages - done, this.ioSize);
      this.check(this.core.mincore(address + done * PAGE_SIZE, n * PAGE_SIZE, this.ioBuffer), "mincore");
      out.set(this.bytes(this.ioBuffer, n), done);
      done += n;
    }
    return out;
  }

  /** Makes a range resident for an access; throws what Linux would signal. */
  touch(address: number, length: number, access: number): void {
    const err = this.core.anymmap_touch(address, length, access);
    if (err === 0) return;
    if (err === SIGBUS) throw new MmapError("EFAULT", "access", hint("access", "SIGBUS"));
    const code = errnoName(err);
    throw new MmapError(code, "access", hint("access", code));
  }

  close(fd: number): void {
    this.files.delete(fd);
    this.check(this.core.anymmap_close(fd), "close");
  }

  ftruncate(fd: number, length: number): void {
    this.check(this.core.anymmap_ftruncate(fd, BigInt(length)), "ftruncate");
  }

  /** pread(2) through the core, so that unsynced shared writes are seen. */
  pread(fd: number, target: Uint8Array, position: number): number {
    let done = 0;
    while (done < target.length) {
      const want = Math.min(target.length - done, this.ioSize);
      const n = this.core.anymmap_pread(fd, this.ioBuffer, want, BigInt(position + done));
      if (n < 0) this.fail("pread");
      target.set(this.bytes(this.ioBuffer, n), done);
      done += n;
      if (n < want) break;
    }
    return done;
  }

  /** pwrite(2) through the core, so that shared mappings see the bytes at once. */
  pwrite(fd: number, source: Uint8Array, position: number): number {
    let done = 0;
    while (done < source.length) {
      const want = Math.min(source.length - done, this.ioSize);
      this.bytes(this.ioBuffer, want).set(source.subarray(done, done + want));
      const n = this.core.anymmap_pwrite(fd, this.ioBuffer, want, BigInt(position + done));
      if (n < 0) this.fail("pwrite");
      done += n;
      if (n < want) break;
    }
    return done;
  }

  residentBytes(): number {
    this.sweep();
    return (this.core.anymmap_resident_pages() >>> 0) * PAGE_SIZE;
  }

  mappingCount(): number {
    this.sweep();
    return this.core.anymmap_mapping_count() >>> 0;
  }
}
