import * as fs from "node:fs";
import { platform } from "node:os";
import { resolve } from "node:path";
import { WASI_ERRNO } from "../../abi/errno.js";
import { LOCK_NONE_HELD } from "../../abi/locks.js";
import { MmapError } from "../../core/contract/errors.js";
import {
  FILETYPE_BLOCK_DEVICE,
  FILETYPE_CHARACTER_DEVICE,
  FILETYPE_DIRECTORY,
  FILETYPE_REGULAR_FILE,
  FILETYPE_SOCKET_STREAM,
  FILETYPE_SYMBOLIC_LINK,
  FILETYPE_UNKNOWN,
  HostFile,
  type HostFileOptions,
  type HostFileStat,
  type HostLockHolder,
  type HostTime,
} from "../../wasi/host-file.js";
import { hint, NOT_MAPPABLE } from "../../core/contract/messages.js";
import { isUrl, type RemoteOptions } from "../../core/remote/remote-file.js";
import { mapNodeError, nodeErrorName } from "./map-error.js";
import type { HostLocks } from "./host-locks.js";
import { descriptorPool, openWithRoom, outOfDescriptors, type Parkable } from "./descriptor-pool.js";
import { openRemote } from "./remote.js";

// Node refuses single reads/writes above 2 GiB - 1 (kIoMaxLength); a 1 GiB
// step stays clear of it for the largest iovec a 4 GiB memory can hold.
const IO_STEP = 1 << 30;

/**
 * How a runtime's node:fs errors become errnos and names; `open` may turn an
 * error into a more specific MmapError first (Deno's missing permissions).
 * Node, Bun, Deno.
 */
export interface FsErrors {
  map(e: unknown): number;
  name(e: unknown): string;
  open?(e: unknown, path: string): MmapError | undefined;
}

/** node:fs errors as Node and Bun report them. Node, Bun. */
export const NODE_ERRORS: FsErrors = { map: mapNodeError, name: nodeErrorName };

/** Readable/writable/append from fs.open flags, so fdstat rights match what the OS granted. */
function accessOf(flags: string | number): { readable: boolean; writable: boolean; append: boolean } {
  if (typeof flags === "number") {
    const c = fs.constants;
    const acc = flags & (c.O_RDONLY | c.O_WRONLY | c.O_RDWR);
    return {
      readable: acc === c.O_RDONLY || acc === c.O_RDWR,
      writable: acc === c.O_WRONLY || acc === c.O_RDWR,
      append: (flags & c.O_APPEND) !== 0,
    };
  }
  const plus = flags.includes("+");
  switch (flags.replace(/[sx+]/g, "")) {
    case "r":
      return { readable: true, writable: plus, append: false };
    case "w":
      return { readable: plus, writable: true, append: false };
    case "a":
      return { readable: plus, writable: true, append: true };
    default:
      // Node would reject it too; failing here gives the nicer message.
      throw new MmapError("EINVAL", "open", `unknown open flags '${flags}'; use r, r+, w, w+, a, a+ (x, s allowed)`);
  }
}

function filetypeOf(st: fs.BigIntStats): number {
  if (st.isFile()) return FILETYPE_REGULAR_FILE;
  if (st.isDirectory()) return FILETYPE_DIRECTORY;
  if (st.isSymbolicLink()) return FILETYPE_SYMBOLIC_LINK;
  if (st.isCharacterDevice()) return FILETYPE_CHARACTER_DEVICE;
  if (st.isBlockDevice()) return FILETYPE_BLOCK_DEVICE;
  if (st.isSocket()) return FILETYPE_SOCKET_STREAM;
  return FILETYPE_UNKNOWN;
}

/** A HostFileStat from node:fs's bigint stats. Node, Bun, Deno. */
export function hostStat(st: fs.BigIntStats): HostFileStat {
  return {
    dev: st.dev,
    ino: st.ino,
    filetype: filetypeOf(st),
    nlink: st.nlink,
    size: st.size,
    atimNs: st.atimeNs,
    mtimNs: st.mtimeNs,
    ctimNs: st.ctimeNs,
  };
}

/**
 * Seconds for fs.utimes: "now", the given nanoseconds, or (undefined) the
 * current value, which node:fs cannot leave alone. Node, Bun, Deno.
 */
export function utimesSeconds(time: HostTime, currentNs: bigint): number {
  if (time === "now") return Date.now() / 1000;
  const ns = time ?? currentNs;
  return Number(ns / 1000n) / 1e6;
}

/** A regular file as it can be recognized again by path: null for anything else, or without a birth time. */
interface FileIdentity {
  dev: bigint;
  ino: bigint;
  birthNs: bigint;
}

function identityOf(st: fs.BigIntStats): FileIdentity | null {
  return st.isFile() && st.birthtimeNs > 0n ? { dev: st.dev, ino: st.ino, birthNs: st.birthtimeNs } : null;
}

function sameFile(a: FileIdentity | null, b: FileIdentity): boolean {
  return a !== null && a.dev === b.dev && a.ino === b.ino && a.birthNs === b.birthNs;
}

/**
 * An inode number that also tells apart files that had the same number at
 * different times (64-bit mix of the birth time; 0 leaves it as it is).
 */
function withBirth(ino: bigint, birthNs: bigint): bigint {
  if (birthNs === 0n) return ino;
  let h = BigInt.asUintN(64, birthNs * 0x9e3779b97f4a7c15n);
  h = BigInt.asUintN(64, (h ^ (h >> 31n)) * 0xbf58476d1ce4e5b9n);
  return BigInt.asUintN(64, ino ^ h ^ (h >> 29n));
}

/**
 * A HostFile over a Node file descriptor, using the synchronous `node:fs`
 * calls because WASI imports must answer before returning to WebAssembly:
 * `fs.readSync` with a position is one `pread64` straight into the view of
 * WebAssembly memory, exact past 4 GiB. Takes ownership of `fd`: close()
 * closes it. Node, Bun and Deno (Bun has no other synchronous positional file API:
 * `Bun.file` is asynchronous and copies).
 */
export class NodeHostFile extends HostFile implements Parkable {
  private nodeFd: number;
  /**
   * Set by identifyByBirth(): what the file is (device, inode and birth
   * time, once its first stat() said so; null when it cannot be recognized
   * again: not a regular file, or no birth time) and, for a read-only file
   * in the descriptor pool, the absolute path to open it again by.
   */
  #birth: { path?: string; identity?: FileIdentity | null } | undefined;
  #closed = false;

  /**
   * `locks`: where this file's advisory locks go so that other processes see
   * them (`anymmap run`); without it they stay in the program.
   */
  constructor(
    fd: number,
    options: HostFileOptions = {},
    protected readonly errors: FsErrors = NODE_ERRORS,
    private readonly locks?: HostLocks,
  ) {
    super(options);
    this.nodeFd = fd;
  }

  /** The underlying Node descriptor, or -1 while it is closed (by close(), or parked by the pool). */
  get fd(): number {
    return this.nodeFd;
  }

  /**
   * For the WASM engine's files (openHostFile). stat() reports an inode
   * number that carries the file's birth time: the engine keys its page
   * cache by device and inode, and a file whose descriptor the pool closed
   * no longer keeps its inode number from going to a new file. A read-only
   * file joins the descriptor pool: it may give up its descriptor and is
   * opened again by path, and recognized by device, inode and birth time.
   * C programs' files (node-dir.ts) report the file system's numbers, which
   * they compare with readdir's, and keep their descriptors.
   */
  identifyByBirth(): void {
    this.#birth = {};
    if (this.path !== undefined && this.readable && !this.writable && !this.append) {
      this.#birth.path = resolve(this.path);
      descriptorPool.use(this);
    }
  }

  /** Closes the descriptor until the next call needs it (the descriptor pool's budget). */
  park(): boolean {
    const birth = this.#birth;
    if (birth?.path === undefined || this.nodeFd < 0) return false;
    if (birth.identity === undefined) {
      try {
        birth.identity = identityOf(fs.fstatSync(this.nodeFd, { bigint: true }));
      } catch {
        birth.identity = null;
      }
    }
    if (!birth.identity) {
      // Never recognizable again: it keeps its descriptor, and leaves the pool for good.
      birth.path = undefined;
      return false;
    }
    const fd = this.nodeFd;
    this.nodeFd = -1;
    try {
      fs.closeSync(fd);
    } catch {
      // A failed close still releases the descriptor (close(2)); the file is opened again by path.
    }
    return true;
  }

  /**
   * The descriptor for a call: the one held, or the file opened again by
   * path after the pool parked it, if it is still the same file; -errno
   * (ESTALE when it is not, or cannot be opened again).
   */
  private descriptor(): number {
    if (this.nodeFd >= 0) {
      if (this.#birth?.path !== undefined) descriptorPool.use(this);
      return this.nodeFd;
    }
    const path = this.#birth?.path;
    const identity = this.#birth?.identity;
    if (this.#closed || path === undefined || !identity) return -WASI_ERRNO.EBADF;
    let fd: number;
    try {
      fd = openWithRoom(
        () => fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK),
        (e) => this.errors.map(e),
      );
    } catch (e) {
      // Out of descriptors even after the pool made room: that, as it is. Anything else: the file is gone.
      const err = this.errors.map(e);
      return outOfDescriptors(err) ? -err : -WASI_ERRNO.ESTALE;
    }
    let same = false;
    try {
      same = sameFile(identityOf(fs.fstatSync(fd, { bigint: true })), identity);
    } catch {
      same = false;
    }
    if (!same) {
      fs.closeSync(fd);
      return -WASI_ERRNO.ESTALE;
    }
    this.nodeFd = fd;
    descriptorPool.use(this);
    return fd;
  }

  /**
   * Opens `path` with fs.openSync flags ("r", "r+", "w", "w+", "a", "a+",
   * "wx", ... or numeric O_* flags) and mode (default 0o666). Throws an
   * MmapError with syscall "open" that says what to check.
   */
  static open(path: string, flags: string | number, mode?: number, errors: FsErrors = NODE_ERRORS): NodeHostFile {
    const access = accessOf(flags);
    let fd: number;
    try {
      fd = openWithRoom(
        () => fs.openSync(path, flags, mode ?? 0o666),
        (e) => errors.map(e),
      );
    } catch (e) {
      const specific = errors.open?.(e, path);
      if (specific) throw specific;
      const code = errors.name(e);
      throw new MmapError(code, "open", hint("open", code, e instanceof Error ? e.message : String(e)), {
        path,
        cause: e,
      });
    }
    return new NodeHostFile(fd, { ...access, path }, errors);
  }

  override pread(dst: Uint8Array, offset: number): number {
    const fd = this.descriptor();
    if (fd < 0) return fd;
    try {
      let done = 0;
      while (done < dst.length) {
        const n = fs.readSync(fd, dst, done, Math.min(dst.length - done, IO_STEP), offset + done);
        if (n === 0) break;
        done += n;
      }
      return done;
    } catch (e) {
      return -this.errors.map(e);
    }
  }

  override pwrite(src: Uint8Array, offset: number): number {
    const fd = this.descriptor();
    if (fd < 0) return fd;
    try {
      let done = 0;
      while (done < src.length) {
        const n = fs.writeSync(fd, src, done, Math.min(src.length - done, IO_STEP), offset + done);
        if (n === 0) break;
        done += n;
      }
      return done;
    } catch (e) {
      return -this.errors.map(e);
    }
  }

  override stat(): HostFileStat | number {
    const fd = this.descriptor();
    if (fd < 0) return fd;
    try {
      const st = fs.fstatSync(fd, { bigint: true });
      const out = hostStat(st);
      if (this.#birth) {
        this.#birth.identity ??= identityOf(st);
        out.ino = withBirth(st.ino, st.birthtimeNs);
      }
      return out;
    } catch (e) {
      return -this.errors.map(e);
    }
  }

  override lock(kind: number, type: number, start: bigint, length: bigint, wait: boolean): number {
    if (!this.locks) return super.lock(kind, type, start, length, wait);
    const st = this.stat();
    if (typeof st === "number") return st;
    if (kind === LOCK_NONE_HELD) {
      this.locks.forget(st.dev, st.ino);
      return 0;
    }
    return this.locks.lock(this.path, st.dev, st.ino, kind, type, start, length, wait);
  }

  override testLock(type: number, start: bigint, length: bigint): HostLockHolder | null | number {
    if (!this.locks) return super.testLock(type, start, length);
    const st = this.stat();
    if (typeof st === "number") return st;
    return this.locks.testLock(this.path, st.dev, st.ino, type, start, length);
  }

  override truncate(size: number): number {
    const r = this.run((fd) => fs.ftruncateSync(fd, size));
    // Bun refuses lengths past 2^52 before the call (RangeError, EINVAL): Linux says EFBIG beyond the largest file size.
    return r === -WASI_ERRNO.EINVAL && size > 2 ** 52 ? -WASI_ERRNO.EFBIG : r;
  }

  override sync(): number {
    return this.run((fd) => fs.fsyncSync(fd));
  }

  override datasync(): number {
    return this.run((fd) => fs.fdatasyncSync(fd));
  }

  override setTimes(atime: HostTime, mtime: HostTime): number {
    return this.run((fd) => {
      const st = atime === undefined || mtime === undefined ? fs.fstatSync(fd, { bigint: true }) : undefined;
      fs.futimesSync(fd, utimesSeconds(atime, st?.atimeNs ?? 0n), utimesSeconds(mtime, st?.mtimeNs ?? 0n));
    });
  }

  override close(): number {
    if (this.#closed) return -WASI_ERRNO.EBADF;
    this.#closed = true;
    descriptorPool.forget(this);
    const fd = this.nodeFd;
    if (fd < 0) return 0; // parked: nothing is open
    // Forget the number first: Node reuses it for the next open, and a stale
    // HostFile must not touch someone else's file.
    this.nodeFd = -1;
    try {
      fs.closeSync(fd);
      return 0;
    } catch (e) {
      return -this.errors.map(e);
    }
  }

  private run(op: (fd: number) => void): number {
    const fd = this.descriptor();
    if (fd < 0) return fd;
    try {
      op(fd);
      return 0;
    } catch (e) {
      return -this.errors.map(e);
    }
  }
}

/**
 * Opens a path with node:fs, or an http(s) URL as a read-only remote file
 * read with synchronous Range requests. Node, Bun, Deno.
 */
export function openHostFile(
  path: string,
  flags: string | number,
  mode?: number,
  errors: FsErrors = NODE_ERRORS,
  remote?: RemoteOptions,
): HostFile {
  if (isUrl(path)) return openRemote(path, accessOf(flags).writable, remote);
  // Non-blocking: opening a FIFO must not wait (forever) for a writer.
  const file = NodeHostFile.open(path, numericFlags(flags) | fs.constants.O_NONBLOCK, mode, errors);
  file.identifyByBirth();
  const st = file.stat();
  if (!mappable(st, path)) {
    file.close();
    throw new MmapError("ENODEV", "open", NOT_MAPPABLE, { path });
  }
  if (typeof st !== "number") file.openedStat = st;
  return file;
}

/** fs.open's string flags as O_* bits. */
function numericFlags(flags: string | number): number {
  if (typeof flags === "number") return flags;
  const c = fs.constants;
  const { readable, writable, append } = accessOf(flags);
  let o = readable && writable ? c.O_RDWR : writable ? c.O_WRONLY : c.O_RDONLY;
  if (flags.startsWith("w")) o |= c.O_CREAT | c.O_TRUNC;
  if (append) o |= c.O_CREAT | c.O_APPEND;
  if (flags.includes("x")) o |= c.O_EXCL;
  return o;
}

/** statfs f_type of the file systems whose files stat as size 0 and cannot be mapped (Linux's mmap says ENODEV). */
const PSEUDO_FILE_SYSTEMS = new Set([0x9fa0 /* proc */, 0x62656572 /* sysfs */]);

/**
 * Linux's major(dev) is 0: an anonymous device, where proc and sysfs always
 * are (so are tmpfs and overlayfs). A file on a disk needs no statfs: one
 * system call of the five a path mapping made (profiled: 5 % of mapping
 * 1k small files), as in the native backend's open.
 */
const LINUX = platform() === "linux";
const anonymousDevice = (dev: bigint): boolean => ((dev >> 8n) & 0xfffn) === 0n && (dev >> 32n) >> 12n === 0n;

/** What mmap can map: a regular file (not of /proc or /sys), a directory (mmap then says ENODEV) or a block device. */
function mappable(st: HostFileStat | number, path: string): boolean {
  if (typeof st === "number") return true; // fstat failed: let mmap report it.
  if (st.filetype === FILETYPE_DIRECTORY || st.filetype === FILETYPE_BLOCK_DEVICE) return true;
  if (st.filetype !== FILETYPE_REGULAR_FILE) return false;
  if (LINUX && !anonymousDevice(st.dev)) return true;
  if (typeof fs.statfsSync !== "function") return true;
  try {
    return !PSEUDO_FILE_SYSTEMS.has(Number(fs.statfsSync(path).type));
  } catch {
    return true;
  }
}
