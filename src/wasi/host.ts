import { WASI_ERRNO } from "../core/errno.js";
import { HostDir, type HostDirEntry, type HostOpenOptions } from "./host-dir.js";
import { encodeDirents, withDots } from "./readdir.js";
import {
  FILETYPE_CHARACTER_DEVICE,
  FILETYPE_DIRECTORY,
  FILETYPE_UNKNOWN,
  HostFile,
  type HostFileStat,
  type HostTime,
} from "./host-file.js";

/**
 * Thrown by `proc_exit`: the one exception that crosses the WebAssembly
 * boundary, on purpose, because exit must unwind the C stack and nothing
 * else can. Callers of exports catch it and read `code`. Works in all runtimes.
 */
export class WasiExit extends Error {
  override readonly name = "WasiExit";
  readonly code: number;

  constructor(code: number) {
    super(`WASI program exited with code ${code}`);
    this.code = code;
  }
}

/** WASI preview1 rights bits that this host grants. Works in all runtimes. */
export const WASI_RIGHTS = {
  FD_DATASYNC: 1n << 0n,
  FD_READ: 1n << 1n,
  FD_SEEK: 1n << 2n,
  FD_FDSTAT_SET_FLAGS: 1n << 3n,
  FD_SYNC: 1n << 4n,
  FD_TELL: 1n << 5n,
  FD_WRITE: 1n << 6n,
  FD_ADVISE: 1n << 7n,
  FD_ALLOCATE: 1n << 8n,
  FD_FILESTAT_GET: 1n << 21n,
  FD_FILESTAT_SET_SIZE: 1n << 22n,
} as const;

/** WASI fdflags bit for O_APPEND. Works in all runtimes. */
export const FDFLAGS_APPEND = 1;

/**
 * Host I/O as counted at the WASI boundary; the test suite asserts on these
 * to prove, e.g., that a lazy mapping read only the pages it touched.
 * `reads`/`writes` count fd_pread/fd_read and fd_pwrite/fd_write calls that
 * reached a file (not stdio), `stats` counts HostFile.stat calls, `syncs`
 * fd_sync plus fd_datasync, `truncates` fd_filestat_set_size.
 * Works in all runtimes.
 */
export interface HostIoStats {
  reads: number;
  readBytes: number;
  writes: number;
  writtenBytes: number;
  syncs: number;
  truncates: number;
  stats: number;
}

/** Configuration for a WasiHost. Works in all runtimes. */
export interface WasiHostOptions {
  /** argv as the C program sees it (argv[0] included if you want one). */
  args?: string[];
  env?: Record<string, string>;
  /** Receives each fd_write to fd 1 as a copy the sink may keep. Default: discard. */
  stdout?: (bytes: Uint8Array) => void;
  /** Receives each fd_write to fd 2 as a copy the sink may keep. Default: discard. */
  stderr?: (bytes: Uint8Array) => void;
  /** Fills `into` with the next bytes of fd 0 and returns how many (0 at end of input). Default: always at end. */
  stdin?: (into: Uint8Array) => number;
  /** Turns an exception thrown by a HostFile into a WASI errno. Default: EIO. */
  mapError?: (e: unknown) => number;
  memory?: WebAssembly.Memory;
  /**
   * Directories the program may use, numbered from fd 3 in this order, as
   * WASI preopens. `name` is the path the program sees ("." for its working
   * directory, or an absolute path such as "/data").
   */
  preopens?: { name: string; dir: HostDir }[];
}

const E = WASI_ERRNO;

const CLOCK_REALTIME = 0;
const CLOCK_MONOTONIC = 1;
const CLOCK_PROCESS_CPUTIME_ID = 2;
const CLOCK_THREAD_CPUTIME_ID = 3;

const WHENCE_SET = 0;
const WHENCE_CUR = 1;
const WHENCE_END = 2;

const FILESTAT_SIZE = 64;
const PRESTAT_SIZE = 8;
const PREOPENTYPE_DIR = 0;
const OFLAGS_CREAT = 1;
const OFLAGS_DIRECTORY = 2;
const OFLAGS_EXCL = 4;
const OFLAGS_TRUNC = 8;
const LOOKUP_SYMLINK_FOLLOW = 1;
const FSTFLAGS_ATIM = 1;
const FSTFLAGS_ATIM_NOW = 2;
const FSTFLAGS_MTIM = 4;
const FSTFLAGS_MTIM_NOW = 8;
const PATH_MAX = 4096;
/** Rights of a directory descriptor: every path_* call, and fd_read (reads fail with EISDIR, as on Linux; mmap checks it before the file type). */
const DIR_RIGHTS = ((1n << 30n) - 1n) & ~((1n << 6n) | (1n << 22n));
const FDSTAT_SIZE = 24;
const RANDOM_CHUNK = 65536;

/** A pointer outside memory; caught at the boundary and returned as EFAULT. */
class Fault {}
const FAULT = new Fault();

/** Per open file state, keyed by the HostFile so that fd_renumber carries it along. */
interface FileState {
  position: number;
  /** An open file's type never changes, so fd_fdstat_get need stat only once. */
  filetype?: number;
}

type Entry = { kind: "file"; file: HostFile; state: FileState } | { kind: "stdio"; fd: number };

function u64ToOffset(v: bigint | number): number | undefined {
  // Under WASM_BIGINT an i64 arrives signed: a u64 of 2^63 or more is negative here.
  const n = typeof v === "bigint" ? (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(v)) : v;
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function encodeStrings(list: string[]): { bytes: Uint8Array[]; total: number } {
  const enc = new TextEncoder();
  const bytes = list.map((s) => {
    const b = enc.encode(s);
    const z = new Uint8Array(b.length + 1);
    z.set(b);
    return z;
  });
  return { bytes, total: bytes.reduce((sum, b) => sum + b.length, 0) };
}

/**
 * A WASI preview1 host for the anymmap core: an fd table of HostFiles plus
 * the handful of process functions Emscripten's libc needs. Implements only
 * what the core imports, each function exactly per the preview1 ABI, and
 * never lets an exception cross into WebAssembly except WasiExit: a throw
 * through C frames would skip the core's cleanup and leave its tables
 * inconsistent. Works in all runtimes.
 */
export class WasiHost {
  /** Host I/O counters; reset with resetStats(). The object itself never changes. */
  readonly stats: HostIoStats = {
    reads: 0,
    readBytes: 0,
    writes: 0,
    writtenBytes: 0,
    syncs: 0,
    truncates: 0,
    stats: 0,
  };

  private readonly table = new Map<number, HostFile>();
  /** Directory descriptors; `name` is set for preopens. */
  private readonly dirs = new Map<number, { dir: HostDir; name?: string }>();
  private readonly states = new WeakMap<HostFile, FileState>();
  private readonly stdioOpen = new Set<number>([0, 1, 2]);
  private readonly stdout?: (bytes: Uint8Array) => void;
  private readonly stderr?: (bytes: Uint8Array) => void;
  private readonly stdin?: (into: Uint8Array) => number;
  private readonly mapError?: (e: unknown) => number;
  private readonly args: { bytes: Uint8Array[]; total: number };
  private readonly env: { bytes: Uint8Array[]; total: number };

  private memory?: WebAssembly.Memory;
  // Views are cached because building them per call shows up in page-in
  // profiles; they go stale when memory grows (new buffer) or is detached.
  private buffer?: ArrayBuffer;
  private u8 = new Uint8Array(0);
  private dv = new DataView(new ArrayBuffer(0));

  constructor(options: WasiHostOptions = {}) {
    if (options.stdout) this.stdout = options.stdout;
    if (options.stderr) this.stderr = options.stderr;
    if (options.stdin) this.stdin = options.stdin;
    if (options.mapError) this.mapError = options.mapError;
    this.args = encodeStrings(options.args ?? []);
    this.env = encodeStrings(Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`));
    if (options.memory) this.setMemory(options.memory);
    let fd = 3;
    for (const { name, dir } of options.preopens ?? []) this.dirs.set(fd++, { dir, name });
  }

  /** Points the host at the instance's memory; call before any export runs. */
  setMemory(memory: WebAssembly.Memory): void {
    this.memory = memory;
    this.buffer = undefined;
  }

  /** Registers a file under the lowest free descriptor >= 3 and returns it. */
  open(file: HostFile): number {
    const fd = this.freeFd();
    this.table.set(fd, file);
    if (!this.states.has(file)) this.states.set(file, { position: 0 });
    return fd;
  }

  private freeFd(): number {
    let fd = 3;
    while (this.table.has(fd) || this.dirs.has(fd)) fd++;
    return fd;
  }

  /**
   * dup(2) for programs: `fd`'s file or directory also under `to` (closing
   * what it held) when `exact`, else under the lowest free number >= `to`.
   * Both numbers share one HostFile and so one position, as an open file
   * description does. Returns the new number or -errno.
   */
  dup(fd: number, to: number, exact: boolean): number {
    const dir = this.dirs.get(fd);
    const file = this.table.get(fd);
    if (!dir && !file) return -(this.stdioOpen.has(fd) ? E.ENOTSUP : E.EBADF);
    if (!Number.isInteger(to) || to < 0 || to >= 0x40000000) return -E.EINVAL;
    let target = to;
    if (exact) {
      if (target !== fd) this.fdClose(target);
    } else {
      while (this.table.has(target) || this.dirs.has(target) || this.stdioOpen.has(target)) target++;
    }
    if (target === fd) return fd;
    if (dir) this.dirs.set(target, { dir: dir.dir });
    else this.table.set(target, file!);
    return target;
  }

  /** The file behind a descriptor, or undefined for stdio and unused numbers. */
  file(fd: number): HostFile | undefined {
    return this.table.get(fd);
  }

  /** Zeroes every counter in `stats`, keeping the same object. */
  resetStats(): void {
    const s = this.stats;
    s.reads = s.readBytes = s.writes = s.writtenBytes = s.syncs = s.truncates = s.stats = 0;
  }

  /** The `wasi_snapshot_preview1` import object to instantiate the core with. */
  imports(): WebAssembly.Imports {
    const g = <A extends unknown[]>(fn: (...args: A) => number) => this.guard(fn);
    return {
      wasi_snapshot_preview1: {
        fd_pread: g((fd: number, iovs: number, iovsLen: number, offset: bigint, nreadPtr: number) =>
          this.fdPread(fd >>> 0, iovs >>> 0, iovsLen >>> 0, offset, nreadPtr >>> 0),
        ),
        fd_pwrite: g((fd: number, iovs: number, iovsLen: number, offset: bigint, nwrittenPtr: number) =>
          this.fdPwrite(fd >>> 0, iovs >>> 0, iovsLen >>> 0, offset, nwrittenPtr >>> 0),
        ),
        fd_read: g((fd: number, iovs: number, iovsLen: number, nreadPtr: number) =>
          this.fdRead(fd >>> 0, iovs >>> 0, iovsLen >>> 0, nreadPtr >>> 0),
        ),
        fd_write: g((fd: number, iovs: number, iovsLen: number, nwrittenPtr: number) =>
          this.fdWrite(fd >>> 0, iovs >>> 0, iovsLen >>> 0, nwrittenPtr >>> 0),
        ),
        fd_seek: g((fd: number, offset: bigint, whence: number, newOffsetPtr: number) =>
          this.fdSeek(fd >>> 0, offset, whence, newOffsetPtr >>> 0),
        ),
        fd_tell: g((fd: number, offsetPtr: number) => this.fdTell(fd >>> 0, offsetPtr >>> 0)),
        fd_filestat_get: g((fd: number, buf: number) => this.fdFilestatGet(fd >>> 0, buf >>> 0)),
        fd_fdstat_get: g((fd: number, buf: number) => this.fdFdstatGet(fd >>> 0, buf >>> 0)),
        fd_filestat_set_size: g((fd: number, size: bigint) => this.fdFilestatSetSize(fd >>> 0, size)),
        fd_datasync: g((fd: number) => this.fdSync(fd >>> 0, true)),
        fd_sync: g((fd: number) => this.fdSync(fd >>> 0, false)),
        fd_close: g((fd: number) => this.fdClose(fd >>> 0)),
        fd_renumber: g((from: number, to: number) => this.fdRenumber(from >>> 0, to >>> 0)),
        fd_readdir: g((fd: number, buf: number, bufLen: number, cookie: bigint, bufusedPtr: number) =>
          this.fdReaddir(fd >>> 0, buf >>> 0, bufLen >>> 0, cookie, bufusedPtr >>> 0),
        ),
        fd_advise: g((fd: number) => (this.entry(fd >>> 0) ? E.SUCCESS : E.EBADF)),
        fd_fdstat_set_flags: g((fd: number) => (this.entry(fd >>> 0) ? E.ENOTSUP : E.EBADF)),
        proc_exit: (code: number): never => {
          throw new WasiExit(code >>> 0);
        },
        args_sizes_get: g((argcPtr: number, bufSizePtr: number) =>
          this.sizesGet(this.args, argcPtr >>> 0, bufSizePtr >>> 0),
        ),
        args_get: g((argvPtr: number, bufPtr: number) => this.stringsGet(this.args, argvPtr >>> 0, bufPtr >>> 0)),
        environ_sizes_get: g((countPtr: number, bufSizePtr: number) =>
          this.sizesGet(this.env, countPtr >>> 0, bufSizePtr >>> 0),
        ),
        environ_get: g((environPtr: number, bufPtr: number) =>
          this.stringsGet(this.env, environPtr >>> 0, bufPtr >>> 0),
        ),
        clock_time_get: g((id: number, _precision: bigint, timePtr: number) => this.clockTimeGet(id, timePtr >>> 0)),
        random_get: g((buf: number, len: number) => this.randomGet(buf >>> 0, len >>> 0)),
        sched_yield: () => E.SUCCESS,
        fd_prestat_get: g((fd: number, buf: number) => this.fdPrestatGet(fd >>> 0, buf >>> 0)),
        fd_prestat_dir_name: g((fd: number, path: number, len: number) =>
          this.fdPrestatDirName(fd >>> 0, path >>> 0, len >>> 0),
        ),
        fd_filestat_set_times: g((fd: number, atim: bigint, mtim: bigint, fstflags: number) =>
          this.fdFilestatSetTimes(fd >>> 0, atim, mtim, fstflags),
        ),
        path_open: g(
          (
            fd: number,
            dirflags: number,
            path: number,
            pathLen: number,
            oflags: number,
            rightsBase: bigint,
            _rightsInheriting: bigint,
            fdflags: number,
            fdPtr: number,
          ) => this.pathOpen(fd >>> 0, dirflags, path >>> 0, pathLen >>> 0, oflags, rightsBase, fdflags, fdPtr >>> 0),
        ),
        path_filestat_get: g((fd: number, flags: number, path: number, pathLen: number, buf: number) =>
          this.pathFilestatGet(fd >>> 0, flags, path >>> 0, pathLen >>> 0, buf >>> 0),
        ),
        path_filestat_set_times: g(
          (fd: number, flags: number, path: number, pathLen: number, atim: bigint, mtim: bigint, fstflags: number) =>
            this.pathFilestatSetTimes(fd >>> 0, flags, path >>> 0, pathLen >>> 0, atim, mtim, fstflags),
        ),
        path_unlink_file: g((fd: number, path: number, pathLen: number) =>
          this.pathCall(fd >>> 0, path >>> 0, pathLen >>> 0, (dir, p) => dir.unlink(p)),
        ),
        path_remove_directory: g((fd: number, path: number, pathLen: number) =>
          this.pathCall(fd >>> 0, path >>> 0, pathLen >>> 0, (dir, p) => dir.rmdir(p)),
        ),
        path_create_directory: g((fd: number, path: number, pathLen: number) =>
          this.pathCall(fd >>> 0, path >>> 0, pathLen >>> 0, (dir, p) => dir.mkdir(p)),
        ),
        path_rename: g((fd: number, oldPath: number, oldLen: number, newFd: number, newPath: number, newLen: number) =>
          this.pathRename(fd >>> 0, oldPath >>> 0, oldLen >>> 0, newFd >>> 0, newPath >>> 0, newLen >>> 0),
        ),
      },
    };
  }

  // ---- boundary ----

  private guard<A extends unknown[]>(fn: (...args: A) => number): (...args: A) => number {
    return (...args: A): number => {
      try {
        return fn(...args);
      } catch (e) {
        if (e instanceof WasiExit) throw e;
        if (e === FAULT) return E.EFAULT;
        return this.errnoOf(e);
      }
    };
  }

  /** A positive WASI errno for an exception thrown by a HostFile; never throws itself. */
  private errnoOf(e: unknown): number {
    if (!this.mapError) return E.EIO;
    try {
      const n = Math.abs(this.mapError(e));
      return Number.isInteger(n) && n > 0 && n <= 0xffff ? n : E.EIO;
    } catch {
      return E.EIO;
    }
  }

  /** A positive WASI errno from a HostFile status return (which should be -errno, but be lenient). */
  private static status(r: number): number {
    if (r === 0) return E.SUCCESS;
    const n = Math.abs(r);
    return Number.isInteger(n) && n <= 0xffff ? n : E.EIO;
  }

  // ---- memory ----

  private views(): void {
    const memory = this.memory;
    if (!memory) throw FAULT;
    const buffer = memory.buffer;
    if (buffer !== this.buffer || buffer.byteLength === 0) {
      this.buffer = buffer;
      this.u8 = new Uint8Array(buffer);
      this.dv = new DataView(buffer);
    }
  }

  private check(ptr: number, len: number): void {
    if (ptr + len > this.u8.byteLength) throw FAULT;
  }

  private setU32(ptr: number, v: number): void {
    this.check(ptr, 4);
    this.dv.setUint32(ptr, v, true);
  }

  private setU64(ptr: number, v: bigint): void {
    this.check(ptr, 8);
    this.dv.setBigUint64(ptr, v, true);
  }

  private iov(iovs: number, i: number): Uint8Array {
    const at = iovs + i * 8;
    this.check(at, 8);
    const ptr = this.dv.getUint32(at, true);
    const len = this.dv.getUint32(at + 4, true);
    this.check(ptr, len);
    return new Uint8Array(this.u8.buffer, ptr, len);
  }

  // ---- fd table ----

  private entry(fd: number): Entry | undefined {
    const file = this.table.get(fd);
    if (file) return { kind: "file", file, state: this.state(file) };
    if (this.stdioOpen.has(fd)) return { kind: "stdio", fd };
    return undefined;
  }

  private state(file: HostFile): FileState {
    let s = this.states.get(file);
    if (!s) this.states.set(file, (s = { position: 0 }));
    return s;
  }

  private callStat(file: HostFile, state: FileState): HostFileStat | number {
    this.stats.stats++;
    let r: HostFileStat | number;
    try {
      r = file.stat();
    } catch (e) {
      return -this.errnoOf(e);
    }
    if (typeof r !== "number") state.filetype = r.filetype;
    return r;
  }

  // ---- I/O ----

  /** Total bytes read, or -errno if nothing was read. Stops at the first short read (EOF). */
  private readIovs(file: HostFile, iovs: number, iovsLen: number, offset: number): number {
    let total = 0;
    for (let i = 0; i < iovsLen; i++) {
      const dst = this.iov(iovs, i);
      if (dst.length === 0) continue;
      if (offset + total + dst.length > Number.MAX_SAFE_INTEGER) return total > 0 ? total : -E.EOVERFLOW;
      let r: number;
      try {
        r = file.pread(dst, offset + total);
      } catch (e) {
        r = -this.errnoOf(e);
      }
      if (r < 0 || !Number.isInteger(r) || r > dst.length) {
        if (total > 0) break;
        return r < 0 ? -WasiHost.status(r) : -E.EIO;
      }
      total += r;
      if (r < dst.length) break;
    }
    this.stats.readBytes += total;
    return total;
  }

  /** Total bytes written, or -errno if nothing was written. Stops at the first short write. */
  private writeIovs(file: HostFile, iovs: number, iovsLen: number, offset: number): number {
    let total = 0;
    for (let i = 0; i < iovsLen; i++) {
      const src = this.iov(iovs, i);
      if (src.length === 0) continue;
      if (offset + total + src.length > Number.MAX_SAFE_INTEGER) return total > 0 ? total : -E.EFBIG;
      let r: number;
      try {
        r = file.pwrite(src, offset + total);
      } catch (e) {
        r = -this.errnoOf(e);
      }
      if (r < 0 || !Number.isInteger(r) || r > src.length) {
        if (total > 0) break;
        return r < 0 ? -WasiHost.status(r) : -E.EIO;
      }
      total += r;
      if (r < src.length) break;
    }
    this.stats.writtenBytes += total;
    return total;
  }

  private fdPread(fd: number, iovs: number, iovsLen: number, offset: bigint, nreadPtr: number): number {
    if (this.dirs.has(fd)) return E.EISDIR;
    const en = this.entry(fd);
    if (!en) return E.EBADF;
    if (en.kind === "stdio") return E.ESPIPE;
    if (!en.file.readable) return E.EBADF;
    const off = u64ToOffset(offset);
    if (off === undefined) return E.EOVERFLOW;
    this.views();
    this.check(nreadPtr, 4);
    this.stats.reads++;
    const n = this.readIovs(en.file, iovs, iovsLen, off);
    if (n < 0) return -n;
    this.setU32(nreadPtr, n);
    return E.SUCCESS;
  }

  private fdPwrite(fd: number, iovs: number, iovsLen: number, offset: bigint, nwrittenPtr: number): number {
    const en = this.entry(fd);
    if (!en) return E.EBADF;
    if (en.kind === "stdio") return E.ESPIPE;
    if (!en.file.writable) return E.EBADF;
    const off = u64ToOffset(offset);
    if (off === undefined) return E.EOVERFLOW;
    this.views();
    this.check(nwrittenPtr, 4);
    this.stats.writes++;
    const n = this.writeIovs(en.file, iovs, iovsLen, off);
    if (n < 0) return -n;
    this.setU32(nwrittenPtr, n);
    return E.SUCCESS;
  }

  private fdRead(fd: number, iovs: number, iovsLen: number, nreadPtr: number): number {
    if (this.dirs.has(fd)) return E.EISDIR;
    const en = this.entry(fd);
    if (!en) return E.EBADF;
    this.views();
    this.check(nreadPtr, 4);
    if (en.kind === "stdio") {
      if (en.fd !== 0) return E.EBADF;
      let n = 0;
      // Like read(2) on a pipe: return what one read gives, not a full buffer.
      for (let i = 0; i < iovsLen && this.stdin && n === 0; i++) {
        const dst = this.iov(iovs, i);
        if (dst.length > 0) n = this.stdin(dst);
      }
      this.setU32(nreadPtr, n);
      return E.SUCCESS;
    }
    if (!en.file.readable) return E.EBADF;
    this.stats.reads++;
    const n = this.readIovs(en.file, iovs, iovsLen, en.state.position);
    if (n < 0) return -n;
    en.state.position += n;
    this.setU32(nreadPtr, n);
    return E.SUCCESS;
  }

  private fdWrite(fd: number, iovs: number, iovsLen: number, nwrittenPtr: number): number {
    const en = this.entry(fd);
    if (!en) return E.EBADF;
    this.views();
    this.check(nwrittenPtr, 4);
    if (en.kind === "stdio") {
      if (en.fd === 0) return E.EBADF;
      const chunks: Uint8Array[] = [];
      let total = 0;
      for (let i = 0; i < iovsLen; i++) {
        const v = this.iov(iovs, i);
        chunks.push(v);
        total += v.length;
      }
      const sink = en.fd === 1 ? this.stdout : this.stderr;
      if (sink && total > 0) {
        // A copy, because the sink may keep it and the C side will reuse its buffer.
        const out = new Uint8Array(total);
        let at = 0;
        for (const c of chunks) {
          out.set(c, at);
          at += c.length;
        }
        sink(out);
      }
      this.setU32(nwrittenPtr, total);
      return E.SUCCESS;
    }
    if (!en.file.writable) return E.EBADF;
    let position = en.state.position;
    if (en.file.append) {
      const st = this.callStat(en.file, en.state);
      if (typeof st === "number") return WasiHost.status(st);
      const size = u64ToOffset(st.size);
      if (size === undefined) return E.EOVERFLOW;
      position = size;
    }
    this.stats.writes++;
    const n = this.writeIovs(en.file, iovs, iovsLen, position);
    if (n < 0) return -n;
    en.state.position = position + n;
    this.setU32(nwrittenPtr, n);
    return E.SUCCESS;
  }

  private fdSeek(fd: number, offset: bigint, whence: number, newOffsetPtr: number): number {
    const en = this.entry(fd);
    if (!en) return E.EBADF;
    if (en.kind === "stdio") return E.ESPIPE;
    let base: number;
    if (whence === WHENCE_SET) base = 0;
    else if (whence === WHENCE_CUR) base = en.state.position;
    else if (whence === WHENCE_END) {
      const st = this.callStat(en.file, en.state);
      if (typeof st === "number") return WasiHost.status(st);
      const size = u64ToOffset(st.size);
      if (size === undefined) return E.EOVERFLOW;
      base = size;
    } else return E.EINVAL;
    const next = BigInt(base) + BigInt(offset);
    if (next < 0n) return E.EINVAL;
    if (next > BigInt(Number.MAX_SAFE_INTEGER)) return E.EOVERFLOW;
    this.views();
    this.setU64(newOffsetPtr, next);
    en.state.position = Number(next);
    return E.SUCCESS;
  }

  private fdTell(fd: number, offsetPtr: number): number {
    const en = this.entry(fd);
    if (!en) return E.EBADF;
    if (en.kind === "stdio") return E.ESPIPE;
    this.views();
    this.setU64(offsetPtr, BigInt(en.state.position));
    return E.SUCCESS;
  }

  private fdFilestatGet(fd: number, buf: number): number {
    const dir = this.dirs.get(fd)?.dir;
    if (dir) return this.writeStat(buf, this.callDir(() => dir.stat(".", true)));
    const en = this.entry(fd);
    if (!en) return E.EBADF;
    this.views();
    this.check(buf, FILESTAT_SIZE);
    let st: HostFileStat;
    if (en.kind === "stdio") {
      st = { dev: 0n, ino: 0n, filetype: FILETYPE_CHARACTER_DEVICE, nlink: 1n, size: 0n, atimNs: 0n, mtimNs: 0n, ctimNs: 0n };
    } else {
      const r = this.callStat(en.file, en.state);
      if (typeof r === "number") return WasiHost.status(r);
      st = r;
    }
    return this.writeStat(buf, st);
  }

  /** Writes a filestat, or returns the errno of a failed stat leaving the buffer untouched. */
  private writeStat(buf: number, st: HostFileStat | number): number {
    if (typeof st === "number") return WasiHost.status(st);
    this.views();
    this.check(buf, FILESTAT_SIZE);
    this.u8.fill(0, buf, buf + FILESTAT_SIZE);
    const dv = this.dv;
    dv.setBigUint64(buf, BigInt.asUintN(64, st.dev), true);
    dv.setBigUint64(buf + 8, BigInt.asUintN(64, st.ino), true);
    dv.setUint8(buf + 16, st.filetype);
    dv.setBigUint64(buf + 24, BigInt.asUintN(64, st.nlink), true);
    dv.setBigUint64(buf + 32, BigInt.asUintN(64, st.size), true);
    dv.setBigUint64(buf + 40, BigInt.asUintN(64, st.atimNs), true);
    dv.setBigUint64(buf + 48, BigInt.asUintN(64, st.mtimNs), true);
    dv.setBigUint64(buf + 56, BigInt.asUintN(64, st.ctimNs), true);
    return E.SUCCESS;
  }

  private fdFdstatGet(fd: number, buf: number): number {
    if (this.dirs.has(fd)) {
      this.views();
      this.check(buf, FDSTAT_SIZE);
      this.u8.fill(0, buf, buf + FDSTAT_SIZE);
      this.dv.setUint8(buf, FILETYPE_DIRECTORY);
      this.dv.setBigUint64(buf + 8, DIR_RIGHTS, true);
      this.dv.setBigUint64(buf + 16, (1n << 30n) - 1n, true);
      return E.SUCCESS;
    }
    const en = this.entry(fd);
    if (!en) return E.EBADF;
    this.views();
    this.check(buf, FDSTAT_SIZE);
    const R = WASI_RIGHTS;
    let filetype: number;
    let flags = 0;
    let rights: bigint;
    if (en.kind === "stdio") {
      // A character device without SEEK/TELL is what musl's isatty() looks
      // for, so stdout stays line-buffered and reaches the sink promptly.
      filetype = FILETYPE_CHARACTER_DEVICE;
      rights = en.fd === 0 ? R.FD_READ : R.FD_WRITE;
    } else {
      const file = en.file;
      if (en.state.filetype === undefined) {
        const st = this.callStat(file, en.state);
        // fdstat is also libc's "is this fd valid" probe, so a backend
        // without stat must not make its descriptors look closed.
        filetype = typeof st === "number" ? FILETYPE_UNKNOWN : st.filetype;
      } else {
        filetype = en.state.filetype;
      }
      if (file.append) flags |= FDFLAGS_APPEND;
      rights =
        R.FD_DATASYNC | R.FD_SYNC | R.FD_SEEK | R.FD_TELL | R.FD_ADVISE | R.FD_FILESTAT_GET;
      if (file.readable) rights |= R.FD_READ;
      // FD_ALLOCATE is not granted: this host does not implement fd_allocate.
      if (file.writable) rights |= R.FD_WRITE | R.FD_FILESTAT_SET_SIZE;
    }
    this.u8.fill(0, buf, buf + FDSTAT_SIZE);
    this.dv.setUint8(buf, filetype);
    this.dv.setUint16(buf + 2, flags, true);
    this.dv.setBigUint64(buf + 8, rights, true);
    this.dv.setBigUint64(buf + 16, 0n, true);
    return E.SUCCESS;
  }

  private fdFilestatSetSize(fd: number, size: bigint): number {
    const en = this.entry(fd);
    if (!en) return E.EBADF;
    if (en.kind === "stdio") return E.EINVAL;
    // Linux's ftruncate answers EINVAL, not EBADF, for a read-only descriptor.
    if (!en.file.writable) return E.EINVAL;
    const n = u64ToOffset(size);
    if (n === undefined) return E.EFBIG;
    this.stats.truncates++;
    try {
      return WasiHost.status(en.file.truncate(n));
    } catch (e) {
      return this.errnoOf(e);
    }
  }

  private fdSync(fd: number, dataOnly: boolean): number {
    // A directory's entries are the host's to persist; Linux accepts fsync of a directory.
    if (this.dirs.has(fd)) return E.SUCCESS;
    const en = this.entry(fd);
    if (!en) return E.EBADF;
    if (en.kind === "stdio") return E.EINVAL;
    this.stats.syncs++;
    try {
      return WasiHost.status(dataOnly ? en.file.datasync() : en.file.sync());
    } catch (e) {
      return this.errnoOf(e);
    }
  }

  /** Listings by directory, taken at cookie 0 so that reading on does not list again. */
  private readonly listings = new WeakMap<HostDir, HostDirEntry[]>();

  private fdReaddir(fd: number, buf: number, bufLen: number, cookie: bigint, bufusedPtr: number): number {
    const d = this.dirs.get(fd);
    if (!d) return this.table.has(fd) || this.stdioOpen.has(fd) ? E.ENOTDIR : E.EBADF;
    let entries = this.listings.get(d.dir);
    if (cookie === 0n || !entries) {
      const listed = d.dir.list();
      if (typeof listed === "number") return WasiHost.status(listed);
      const own = d.dir.stat(".", true);
      entries = withDots(listed, { name: ".", filetype: FILETYPE_DIRECTORY, ino: typeof own === "number" ? 0n : own.ino });
      this.listings.set(d.dir, entries);
    }
    const bytes = encodeDirents(entries, cookie < 0n ? 0n : cookie, bufLen);
    this.views();
    this.check(buf, bytes.length);
    this.u8.set(bytes, buf);
    this.setU32(bufusedPtr, bytes.length);
    return E.SUCCESS;
  }

  private fdClose(fd: number): number {
    if (this.dirs.delete(fd)) return E.SUCCESS;
    const file = this.table.get(fd);
    if (!file) {
      if (this.stdioOpen.delete(fd)) return E.SUCCESS;
      return E.EBADF;
    }
    // As on Linux, the descriptor is gone even if close reports an error.
    this.table.delete(fd);
    return this.closeFile(file);
  }

  private closeFile(file: HostFile): number {
    // The same HostFile can sit under two numbers (open() twice); only the last one closes it.
    for (const f of this.table.values()) if (f === file) return E.SUCCESS;
    try {
      return WasiHost.status(file.close());
    } catch (e) {
      return this.errnoOf(e);
    }
  }

  /**
   * Moves `from` onto `to`, closing whatever `to` held. Strict preview1
   * requires `to` to be open; anymmap also accepts an unused number, which
   * the C core relies on to park a file it must keep open after the user
   * closes their descriptor (mappings outlive close(2)).
   */
  private fdRenumber(from: number, to: number): number {
    const dir = this.dirs.get(from);
    if (dir && from !== to) {
      this.fdClose(to);
      this.dirs.delete(from);
      this.dirs.set(to, dir);
      return E.SUCCESS;
    }
    if (this.dirs.has(to) && from !== to) this.dirs.delete(to);
    const file = this.table.get(from);
    if (!file) return this.stdioOpen.has(from) ? E.ENOTSUP : E.EBADF;
    if (from === to) return E.SUCCESS;
    // Linux dup2 ignores errors from closing the target, so do we.
    const old = this.table.get(to);
    this.table.delete(from);
    this.table.set(to, file);
    if (old) this.closeFile(old);
    this.stdioOpen.delete(to);
    return E.SUCCESS;
  }

  // ---- directories ----

  /** Calls a HostDir method, turning a throw into -errno. */
  private callDir<T>(op: () => T | number): T | number {
    try {
      return op();
    } catch (e) {
      return -this.errnoOf(e);
    }
  }

  /** The path argument of a path_* call; ENOENT for "", as Linux. */
  private pathArg(ptr: number, len: number): string | number {
    if (len === 0) return -E.ENOENT;
    if (len >= PATH_MAX) return -E.ENAMETOOLONG;
    this.views();
    this.check(ptr, len);
    const path = new TextDecoder().decode(this.u8.subarray(ptr, ptr + len));
    return path.includes("\0") ? -E.EINVAL : path;
  }

  private dirOf(fd: number): HostDir | number {
    const dir = this.dirs.get(fd)?.dir;
    if (dir) return dir;
    return this.table.has(fd) || this.stdioOpen.has(fd) ? -E.ENOTDIR : -E.EBADF;
  }

  private pathCall(fd: number, ptr: number, len: number, op: (dir: HostDir, path: string) => number): number {
    const dir = this.dirOf(fd);
    if (typeof dir === "number") return -dir;
    const path = this.pathArg(ptr, len);
    if (typeof path === "number") return -path;
    return WasiHost.status(this.callDir(() => op(dir, path)));
  }

  private fdPrestatGet(fd: number, buf: number): number {
    const name = this.dirs.get(fd)?.name;
    if (name === undefined) return E.EBADF;
    this.views();
    this.check(buf, PRESTAT_SIZE);
    this.u8.fill(0, buf, buf + PRESTAT_SIZE);
    this.dv.setUint8(buf, PREOPENTYPE_DIR);
    this.dv.setUint32(buf + 4, new TextEncoder().encode(name).length, true);
    return E.SUCCESS;
  }

  private fdPrestatDirName(fd: number, ptr: number, len: number): number {
    const name = this.dirs.get(fd)?.name;
    if (name === undefined) return E.EBADF;
    const bytes = new TextEncoder().encode(name);
    if (len < bytes.length) return E.ENAMETOOLONG;
    this.views();
    this.check(ptr, bytes.length);
    this.u8.set(bytes, ptr);
    return E.SUCCESS;
  }

  private pathOpen(
    fd: number,
    dirflags: number,
    ptr: number,
    len: number,
    oflags: number,
    rights: bigint,
    fdflags: number,
    fdPtr: number,
  ): number {
    const dir = this.dirOf(fd);
    if (typeof dir === "number") return -dir;
    const path = this.pathArg(ptr, len);
    if (typeof path === "number") return -path;
    this.check(fdPtr, 4);
    const R = WASI_RIGHTS;
    const options: HostOpenOptions = {
      readable: (BigInt(rights) & R.FD_READ) !== 0n,
      writable: (BigInt(rights) & R.FD_WRITE) !== 0n,
      append: (fdflags & FDFLAGS_APPEND) !== 0,
      create: (oflags & OFLAGS_CREAT) !== 0,
      exclusive: (oflags & OFLAGS_EXCL) !== 0,
      truncate: (oflags & OFLAGS_TRUNC) !== 0,
      directory: (oflags & OFLAGS_DIRECTORY) !== 0,
      follow: (dirflags & LOOKUP_SYMLINK_FOLLOW) !== 0,
    };
    const opened = this.callDir(() => dir.open(path, options));
    if (typeof opened === "number") return WasiHost.status(opened);
    let newFd: number;
    if (opened instanceof HostDir) {
      newFd = this.freeFd();
      this.dirs.set(newFd, { dir: opened });
    } else {
      newFd = this.open(opened);
    }
    this.views();
    this.setU32(fdPtr, newFd);
    return E.SUCCESS;
  }

  private pathFilestatGet(fd: number, flags: number, ptr: number, len: number, buf: number): number {
    const dir = this.dirOf(fd);
    if (typeof dir === "number") return -dir;
    const path = this.pathArg(ptr, len);
    if (typeof path === "number") return -path;
    this.check(buf, FILESTAT_SIZE);
    return this.writeStat(buf, this.callDir(() => dir.stat(path, (flags & LOOKUP_SYMLINK_FOLLOW) !== 0)));
  }

  private static times(atim: bigint, mtim: bigint, fstflags: number): [HostTime, HostTime] | undefined {
    if ((fstflags & FSTFLAGS_ATIM && fstflags & FSTFLAGS_ATIM_NOW) || (fstflags & FSTFLAGS_MTIM && fstflags & FSTFLAGS_MTIM_NOW))
      return undefined;
    const pick = (set: number, now: number, v: bigint): HostTime =>
      fstflags & now ? "now" : fstflags & set ? BigInt.asUintN(64, BigInt(v)) : undefined;
    return [pick(FSTFLAGS_ATIM, FSTFLAGS_ATIM_NOW, atim), pick(FSTFLAGS_MTIM, FSTFLAGS_MTIM_NOW, mtim)];
  }

  private pathFilestatSetTimes(
    fd: number,
    flags: number,
    ptr: number,
    len: number,
    atim: bigint,
    mtim: bigint,
    fstflags: number,
  ): number {
    const times = WasiHost.times(atim, mtim, fstflags);
    if (!times) return E.EINVAL;
    return this.pathCall(fd, ptr, len, (dir, path) =>
      dir.setTimes(path, times[0], times[1], (flags & LOOKUP_SYMLINK_FOLLOW) !== 0),
    );
  }

  private fdFilestatSetTimes(fd: number, atim: bigint, mtim: bigint, fstflags: number): number {
    const times = WasiHost.times(atim, mtim, fstflags);
    if (!times) return E.EINVAL;
    const dir = this.dirs.get(fd)?.dir;
    if (dir) return WasiHost.status(this.callDir(() => dir.setTimes(".", times[0], times[1], true)));
    const en = this.entry(fd);
    if (!en) return E.EBADF;
    if (en.kind === "stdio") return E.ENOTSUP;
    const file = en.file;
    return WasiHost.status(this.callDir(() => file.setTimes(times[0], times[1])));
  }

  private pathRename(fd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number): number {
    const to = this.dirOf(newFd);
    if (typeof to === "number") return -to;
    const newPath = this.pathArg(newPtr, newLen);
    if (typeof newPath === "number") return -newPath;
    return this.pathCall(fd, oldPtr, oldLen, (dir, path) => dir.rename(path, to, newPath));
  }

  // ---- process ----

  private sizesGet(list: { bytes: Uint8Array[]; total: number }, countPtr: number, sizePtr: number): number {
    this.views();
    this.check(countPtr, 4);
    this.check(sizePtr, 4);
    this.setU32(countPtr, list.bytes.length);
    this.setU32(sizePtr, list.total);
    return E.SUCCESS;
  }

  private stringsGet(list: { bytes: Uint8Array[]; total: number }, ptrsPtr: number, bufPtr: number): number {
    this.views();
    this.check(ptrsPtr, list.bytes.length * 4);
    this.check(bufPtr, list.total);
    let at = bufPtr;
    list.bytes.forEach((b, i) => {
      this.dv.setUint32(ptrsPtr + i * 4, at, true);
      this.u8.set(b, at);
      at += b.length;
    });
    return E.SUCCESS;
  }

  private clockTimeGet(id: number, timePtr: number): number {
    let ns: bigint;
    if (id === CLOCK_REALTIME) ns = BigInt(Date.now()) * 1_000_000n;
    // No portable CPU clock exists in JS; elapsed time is the closest honest stand-in.
    else if (id === CLOCK_MONOTONIC || id === CLOCK_PROCESS_CPUTIME_ID || id === CLOCK_THREAD_CPUTIME_ID)
      ns = BigInt(Math.round(performance.now() * 1e6));
    else return E.EINVAL;
    this.views();
    this.setU64(timePtr, ns);
    return E.SUCCESS;
  }

  private randomGet(buf: number, len: number): number {
    this.views();
    this.check(buf, len);
    // Browsers refuse getRandomValues on views of shared memory.
    const shared = typeof SharedArrayBuffer !== "undefined" && (this.u8.buffer as unknown) instanceof SharedArrayBuffer;
    for (let at = 0; at < len; at += RANDOM_CHUNK) {
      const n = Math.min(RANDOM_CHUNK, len - at);
      if (shared) {
        const tmp = new Uint8Array(n);
        crypto.getRandomValues(tmp);
        this.u8.set(tmp, buf + at);
      } else {
        crypto.getRandomValues(new Uint8Array(this.u8.buffer, buf + at, n));
      }
    }
    return E.SUCCESS;
  }
}
