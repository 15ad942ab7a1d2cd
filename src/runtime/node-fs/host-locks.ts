import * as fs from "node:fs";
import { linuxErrno, linuxErrnoName, WASI_ERRNO, wasiErrnoFromName } from "../../abi/errno.js";
import { F_RDLCK, F_UNLCK, F_WRLCK, LOCK_FLOCK, LOCK_RECORD } from "../../abi/locks.js";
import type { NativeMman } from "../../core/engines/native-mman.js";
import type { HostLockHolder } from "../../wasi/host-file.js";

/** What the lock table needs from the native library. */
export type NativeLocks = Pick<NativeMman, "open" | "close" | "lock" | "getlk">;

/**
 * The host side of `anymmap run`'s advisory locks, so that a program's
 * fcntl and flock locks are seen by other processes (another `anymmap run`,
 * a native program) and theirs by it. Node, Bun and Deno (with --allow-ffi).
 *
 * The program's own lock table (wasm/posix/locks.c) decides everything
 * within the program and hands over, per range, the strongest lock it holds
 * there; this table holds exactly that on the host, on one descriptor per
 * file (device and inode) opened through the native library: fcntl locks as
 * open file description locks on it, flock locks on it. One descriptor keeps
 * the program from conflicting with itself on the host, and closing the
 * program's other descriptors of the file cannot drop its locks, as closing
 * any descriptor drops process-associated locks.
 *
 * Without the native library (not built for this platform, Deno without
 * --allow-ffi) every call answers -ENOTSUP and locks stay process-local.
 */
export class HostLocks {
  #load: (() => NativeLocks) | undefined;
  #native: NativeLocks | undefined;
  readonly #fds = new Map<string, number>();
  readonly #holder = new Uint8Array(32);
  readonly #info = new Uint8Array(24);

  /** `load` opens the native library when the first lock is asked for; it throws if it cannot. */
  constructor(load: () => NativeLocks) {
    this.#load = load;
  }

  #lib(): NativeLocks | undefined {
    if (this.#load) {
      const load = this.#load;
      this.#load = undefined;
      try {
        this.#native = load();
      } catch {
        // No native library: locks stay process-local, as documented.
      }
    }
    return this.#native;
  }

  /** The lock descriptor of the file at `path` whose identity is `dev`/`ino`, opening it once; -errno. */
  #fd(native: NativeLocks, path: string, dev: bigint, ino: bigint): number {
    const key = `${dev}:${ino}`;
    const known = this.#fds.get(key);
    if (known !== undefined) return known;
    const c = fs.constants;
    let fd = native.open(path, c.O_RDWR, 0, this.#info);
    // A file this process may only read takes read locks only (as its program's descriptors can).
    if (fd === -linuxErrno("EACCES")! || fd === -linuxErrno("EROFS")!)
      fd = native.open(path, c.O_RDONLY, 0, this.#info);
    if (fd < 0) return -WASI_ERRNO.ENOLCK;
    const id = new BigUint64Array(this.#info.buffer, 0, 2);
    if (id[0] !== dev || id[1] !== ino) {
      // The path names another file now (renamed or replaced since it was opened).
      native.close(fd);
      return -WASI_ERRNO.ENOLCK;
    }
    this.#fds.set(key, fd);
    return fd;
  }

  /** HostFile.lock for the file at `path` (identity `dev`/`ino`). */
  lock(
    path: string | undefined,
    dev: bigint,
    ino: bigint,
    kind: number,
    type: number,
    start: bigint,
    length: bigint,
    wait: boolean,
  ): number {
    if (kind !== LOCK_RECORD && kind !== LOCK_FLOCK) return -WASI_ERRNO.EINVAL;
    if (type !== F_RDLCK && type !== F_WRLCK && type !== F_UNLCK) return -WASI_ERRNO.EINVAL;
    const native = this.#lib();
    if (!native || path === undefined) return -WASI_ERRNO.ENOTSUP;
    const known = this.#fds.get(`${dev}:${ino}`);
    if (type === F_UNLCK && known === undefined) return 0;
    const fd = known ?? this.#fd(native, path, dev, ino);
    if (fd < 0) return fd;
    const r = native.lock(fd, kind, type, start, length, wait);
    return r < 0 ? -hostErrno(-r) : 0;
  }

  /** HostFile.testLock for the file at `path` (identity `dev`/`ino`). */
  testLock(
    path: string | undefined,
    dev: bigint,
    ino: bigint,
    type: number,
    start: bigint,
    length: bigint,
  ): HostLockHolder | null | number {
    const native = this.#lib();
    if (!native || path === undefined) return -WASI_ERRNO.ENOTSUP;
    const fd = this.#fd(native, path, dev, ino);
    if (fd < 0) return fd;
    const r = native.getlk(fd, type, start, length, this.#holder);
    if (r < 0) return -hostErrno(-r);
    const v = new BigInt64Array(this.#holder.buffer, 0, 4);
    if (Number(v[0]) === F_UNLCK) return null;
    return { type: Number(v[0]), start: v[1]!, length: v[2]!, pid: Number(v[3]) };
  }

  /** The program holds no lock on this file any more: its descriptor goes. */
  forget(dev: bigint, ino: bigint): void {
    const key = `${dev}:${ino}`;
    const fd = this.#fds.get(key);
    if (fd === undefined) return;
    this.#fds.delete(key);
    this.#native?.close(fd);
  }

  /** Closes every lock descriptor, releasing every lock (the program ended). */
  close(): void {
    for (const fd of this.#fds.values()) this.#native?.close(fd);
    this.#fds.clear();
  }
}

/** The WASI errno of a Linux errno from the native library. */
function hostErrno(linux: number): number {
  return wasiErrnoFromName(linuxErrnoName(linux)) ?? WASI_ERRNO.EIO;
}
