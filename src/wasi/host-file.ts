import { WASI_ERRNO } from "../abi/errno.js";

// The filetypes a HostFile's stat() reports, re-exported so that every file
// backend finds the HostFile contract and its vocabulary in one module.
export {
  FILETYPE_BLOCK_DEVICE,
  FILETYPE_CHARACTER_DEVICE,
  FILETYPE_DIRECTORY,
  FILETYPE_REGULAR_FILE,
  FILETYPE_SOCKET_DGRAM,
  FILETYPE_SOCKET_STREAM,
  FILETYPE_SYMBOLIC_LINK,
  FILETYPE_UNKNOWN,
} from "../abi/wasi.js";

/**
 * What `fd_filestat_get` reports. `dev` and `ino` together must identify the
 * underlying file: the C core uses them as the page-cache key, so two open
 * files that alias must agree and two different files must not.
 */
export interface HostFileStat {
  dev: bigint;
  ino: bigint;
  filetype: number;
  nlink: bigint;
  size: bigint;
  atimNs: bigint;
  mtimNs: bigint;
  ctimNs: bigint;
}

/** How a HostFile was opened. */
export interface HostFileOptions {
  readable?: boolean;
  writable?: boolean;
  append?: boolean;
  path?: string;
}

/** A lock that `HostFile.testLock` found: held by someone else, it conflicts with the request. */
export interface HostLockHolder {
  /** F_RDLCK or F_WRLCK. */
  type: number;
  start: bigint;
  /** 0: to the end of the file. */
  length: bigint;
  /** The holder's process id, or -1 for an open file description lock. */
  pid: number;
}

/**
 * A new timestamp for `setTimes`: nanoseconds since the epoch, `"now"`, or
 * `undefined` to leave it unchanged.
 */
export type HostTime = bigint | "now" | undefined;

const ENOTSUP = -WASI_ERRNO.ENOTSUP;

/**
 * One open file as the WASI host sees it. Every method of this base says
 * "not supported" (`-ENOTSUP`), so a backend overrides only what its storage
 * can do and the rest fails politely instead of being missing.
 *
 * Contract for implementations:
 *  - Report failure by returning a negated WASI errno; never throw. The host
 *    catches anyway (and maps through its `mapError`), but a throw loses the
 *    precise errno and costs an exception per failed call.
 *  - `pread` must read straight into `dst`, which is a view of WebAssembly
 *    memory; an intermediate buffer would double the cost of every page-in.
 *    Likewise `pwrite` must write from `src` as given.
 *  - Offsets and sizes are JS numbers, exact up to 2^53; the host rejects
 *    anything larger before calling.
 *  - The host enforces `readable`/`writable` before calling, so a backend
 *    need not check them again.
 *
 */
export class HostFile {
  readonly readable: boolean;
  readonly writable: boolean;
  /** Writes through `fd_write` go to the end of the file, as with O_APPEND. */
  readonly append: boolean;
  /**
   * For messages; the WASI host never opens by it (a file backend may, to
   * take back a descriptor it gave up: src/runtime/node-fs/descriptor-pool.ts).
   */
  readonly path?: string;
  /**
   * What stat() answered while the file was being opened, where opening
   * needed it: the file as it was at open (Engine.openedSize), which a
   * mapping made within that same synchronous call may take as current
   * (MapKnown.closesFd) instead of asking again.
   */
  openedStat?: HostFileStat;

  constructor(options: HostFileOptions = {}) {
    this.readable = options.readable ?? false;
    this.writable = options.writable ?? false;
    this.append = options.append ?? false;
    if (options.path !== undefined) this.path = options.path;
  }

  /** Reads into `dst` from `offset`: bytes read (fewer than `dst.length` only at end of file), or -errno. */
  pread(_dst: Uint8Array, _offset: number): number {
    return ENOTSUP;
  }

  /** Writes all of `src` at `offset`: bytes written, or -errno. */
  pwrite(_src: Uint8Array, _offset: number): number {
    return ENOTSUP;
  }

  /** The file's identity, type, size and times, or -errno. */
  stat(): HostFileStat | number {
    return ENOTSUP;
  }

  /** Sets the file size, zero-filling when it grows: 0 or -errno. */
  truncate(_size: number): number {
    return ENOTSUP;
  }

  /** Flushes data and metadata to storage: 0 or -errno. */
  sync(): number {
    return ENOTSUP;
  }

  /** Flushes data (and the metadata needed to read it back) to storage: 0 or -errno. */
  datasync(): number {
    return ENOTSUP;
  }

  /** Sets the access and modification times (futimens): 0 or -errno. */
  setTimes(_atime: HostTime, _mtime: HostTime): number {
    return ENOTSUP;
  }

  /**
   * Sets this program's advisory lock on the host file, where other
   * processes see it: `kind` LOCK_RECORD (fcntl, over [start, start+length),
   * length 0 meaning to the end) or LOCK_FLOCK (the whole file); `type`
   * F_RDLCK, F_WRLCK or F_UNLCK; `wait` blocks until granted. The program's
   * own locks never conflict here: wasm/posix/locks.c settles those and
   * passes the strongest type it holds over each range. 0, -EAGAIN when
   * another process holds a conflicting lock, or -errno; this base's -ENOTSUP
   * says the host cannot share locks, which then stay process-local.
   */
  lock(_kind: number, _type: number, _start: bigint, _length: bigint, _wait: boolean): number {
    return ENOTSUP;
  }

  /**
   * The record lock another process holds over [start, start+length) that a
   * lock of `type` would conflict with, null when there is none, or -errno
   * (-ENOTSUP: the host cannot see other processes' locks).
   */
  testLock(_type: number, _start: bigint, _length: bigint): HostLockHolder | null | number {
    return ENOTSUP;
  }

  /** Releases the file; the host drops it from the fd table whatever this returns: 0 or -errno. */
  close(): number {
    return ENOTSUP;
  }
}
