/**
 * The directory half of the WASI host: path_* calls, preopens and
 * fd_readdir over the HostDirs of the fd table (FdCalls).
 */
import {
  FILESTAT_SIZE,
  FILETYPE_DIRECTORY,
  FSTFLAGS_ATIM,
  FSTFLAGS_ATIM_NOW,
  FSTFLAGS_MTIM,
  FSTFLAGS_MTIM_NOW,
  LOOKUP_SYMLINK_FOLLOW,
  OFLAGS_CREAT,
  OFLAGS_DIRECTORY,
  OFLAGS_EXCL,
  OFLAGS_TRUNC,
  PREOPENTYPE_DIR,
  PRESTAT_SIZE,
  FDFLAGS_APPEND,
  WASI_RIGHTS,
} from "../abi/wasi.js";
import { E, FdCalls } from "./fd-calls.js";
import { HostDir, type HostDirEntry, type HostOpenOptions } from "./host-dir.js";
import type { HostTime } from "./host-file.js";
import { encodeDirents, withDots } from "./readdir.js";

const PATH_MAX = 4096;

/**
 * Paths reach the host as strings: bytes that are not UTF-8 would become
 * U+FFFD, and two such names one file, so they are refused (EILSEQ, as
 * wasmtime refuses them). A leading byte-order mark stays part of the name.
 */
const PATH_DECODER = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export abstract class PathCalls extends FdCalls {
  // ---- directories ----

  /** The path argument of a path_* call; ENOENT for "", as Linux; EILSEQ for bytes that are not UTF-8. */
  protected pathArg(ptr: number, len: number): string | number {
    if (len === 0) return -E.ENOENT;
    if (len >= PATH_MAX) return -E.ENAMETOOLONG;
    this.mem.views();
    this.mem.check(ptr, len);
    let path: string;
    try {
      path = PATH_DECODER.decode(this.mem.u8.subarray(ptr, ptr + len));
    } catch {
      return -E.EILSEQ;
    }
    return path.includes("\0") ? -E.EINVAL : path;
  }

  protected dirOf(fd: number): HostDir | number {
    const dir = this.dirs.get(fd)?.dir;
    if (dir) return dir;
    return this.table.has(fd) || this.stdio.has(fd) ? -E.ENOTDIR : -E.EBADF;
  }

  /** The directory `fd` names and a path argument in it, or the WASI errno that says why not. */
  protected dirPath(fd: number, ptr: number, len: number): { dir: HostDir; path: string } | number {
    const dir = this.dirOf(fd);
    if (typeof dir === "number") return -dir;
    const path = this.pathArg(ptr, len);
    if (typeof path === "number") return -path;
    return { dir, path };
  }

  protected pathCall(fd: number, ptr: number, len: number, op: (dir: HostDir, path: string) => number): number {
    const at = this.dirPath(fd, ptr, len);
    if (typeof at === "number") return at;
    const { dir, path } = at;
    return FdCalls.status(this.callDir(() => op(dir, path)));
  }

  /** path_readlink: the link's target, cut to `bufLen` bytes as readlink(2) does; its length at `bufusedPtr`. */
  protected pathReadlink(
    fd: number,
    ptr: number,
    len: number,
    buf: number,
    bufLen: number,
    bufusedPtr: number,
  ): number {
    const at = this.dirPath(fd, ptr, len);
    if (typeof at === "number") return at;
    const { dir, path } = at;
    const target = this.callDir(() => dir.readlink(path));
    if (typeof target === "number") return FdCalls.status(target);
    return this.putBytes(new TextEncoder().encode(target).subarray(0, bufLen), buf, bufusedPtr);
  }

  /** Copies `bytes` to guest memory at `buf` and their length to `bufusedPtr` (fd_readdir, path_readlink). */
  private putBytes(bytes: Uint8Array, buf: number, bufusedPtr: number): number {
    this.mem.views();
    this.mem.check(buf, bytes.length);
    this.mem.check(bufusedPtr, 4);
    this.mem.u8.set(bytes, buf);
    this.mem.setU32(bufusedPtr, bytes.length);
    return E.SUCCESS;
  }

  /** path_symlink: a link at `path` in `fd` holding the target string as given. */
  protected pathSymlink(targetPtr: number, targetLen: number, fd: number, ptr: number, len: number): number {
    const target = this.pathArg(targetPtr, targetLen);
    if (typeof target === "number") return -target;
    return this.pathCall(fd, ptr, len, (dir, path) => dir.symlink(target, path));
  }

  protected fdPrestatGet(fd: number, buf: number): number {
    const name = this.dirs.get(fd)?.name;
    if (name === undefined) return E.EBADF;
    this.mem.views();
    this.mem.check(buf, PRESTAT_SIZE);
    this.mem.u8.fill(0, buf, buf + PRESTAT_SIZE);
    this.mem.dv.setUint8(buf, PREOPENTYPE_DIR);
    this.mem.dv.setUint32(buf + 4, new TextEncoder().encode(name).length, true);
    return E.SUCCESS;
  }

  protected fdPrestatDirName(fd: number, ptr: number, len: number): number {
    const name = this.dirs.get(fd)?.name;
    if (name === undefined) return E.EBADF;
    const bytes = new TextEncoder().encode(name);
    if (len < bytes.length) return E.ENAMETOOLONG;
    this.mem.views();
    this.mem.check(ptr, bytes.length);
    this.mem.u8.set(bytes, ptr);
    return E.SUCCESS;
  }

  protected pathOpen(
    fd: number,
    dirflags: number,
    ptr: number,
    len: number,
    oflags: number,
    rights: bigint,
    fdflags: number,
    fdPtr: number,
  ): number {
    const at = this.dirPath(fd, ptr, len);
    if (typeof at === "number") return at;
    const { dir, path } = at;
    this.mem.check(fdPtr, 4);
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
    if (typeof opened === "number") return FdCalls.status(opened);
    let newFd: number;
    if (opened instanceof HostDir) {
      newFd = this.freeFd();
      this.dirs.set(newFd, { dir: opened });
    } else {
      newFd = this.open(opened);
    }
    this.mem.views();
    this.mem.setU32(fdPtr, newFd);
    return E.SUCCESS;
  }

  protected pathFilestatGet(fd: number, flags: number, ptr: number, len: number, buf: number): number {
    const at = this.dirPath(fd, ptr, len);
    if (typeof at === "number") return at;
    const { dir, path } = at;
    this.mem.check(buf, FILESTAT_SIZE);
    return this.writeStat(
      buf,
      this.callDir(() => dir.stat(path, (flags & LOOKUP_SYMLINK_FOLLOW) !== 0)),
    );
  }

  protected static times(atim: bigint, mtim: bigint, fstflags: number): [HostTime, HostTime] | undefined {
    if (
      (fstflags & FSTFLAGS_ATIM && fstflags & FSTFLAGS_ATIM_NOW) ||
      (fstflags & FSTFLAGS_MTIM && fstflags & FSTFLAGS_MTIM_NOW)
    )
      return undefined;
    const pick = (set: number, now: number, v: bigint): HostTime =>
      fstflags & now ? "now" : fstflags & set ? BigInt.asUintN(64, BigInt(v)) : undefined;
    return [pick(FSTFLAGS_ATIM, FSTFLAGS_ATIM_NOW, atim), pick(FSTFLAGS_MTIM, FSTFLAGS_MTIM_NOW, mtim)];
  }

  protected pathFilestatSetTimes(
    fd: number,
    flags: number,
    ptr: number,
    len: number,
    atim: bigint,
    mtim: bigint,
    fstflags: number,
  ): number {
    const times = PathCalls.times(atim, mtim, fstflags);
    if (!times) return E.EINVAL;
    return this.pathCall(fd, ptr, len, (dir, path) =>
      dir.setTimes(path, times[0], times[1], (flags & LOOKUP_SYMLINK_FOLLOW) !== 0),
    );
  }

  protected fdFilestatSetTimes(fd: number, atim: bigint, mtim: bigint, fstflags: number): number {
    const times = PathCalls.times(atim, mtim, fstflags);
    if (!times) return E.EINVAL;
    const dir = this.dirs.get(fd)?.dir;
    if (dir) return FdCalls.status(this.callDir(() => dir.setTimes(".", times[0], times[1], true)));
    const en = this.entry(fd);
    if (!en) return E.EBADF;
    if (en.kind === "stdio") return E.ENOTSUP;
    const file = en.file;
    return FdCalls.status(this.callDir(() => file.setTimes(times[0], times[1])));
  }

  /** Listings by directory, taken at cookie 0 so that reading on does not list again. */
  private readonly listings = new WeakMap<HostDir, HostDirEntry[]>();

  protected fdReaddir(fd: number, buf: number, bufLen: number, cookie: bigint, bufusedPtr: number): number {
    const d = this.dirs.get(fd);
    if (!d) return this.table.has(fd) || this.stdio.has(fd) ? E.ENOTDIR : E.EBADF;
    let entries = this.listings.get(d.dir);
    if (cookie === 0n || !entries) {
      const listed = d.dir.list();
      if (typeof listed === "number") return FdCalls.status(listed);
      const own = d.dir.stat(".", true);
      const ino = typeof own === "number" ? 0n : own.ino;
      const parent = d.dir.parentIno();
      entries = withDots(
        listed,
        { name: ".", filetype: FILETYPE_DIRECTORY, ino },
        typeof parent === "number" ? ino : parent,
      );
      this.listings.set(d.dir, entries);
    }
    return this.putBytes(encodeDirents(entries, cookie < 0n ? 0n : cookie, bufLen), buf, bufusedPtr);
  }

  protected pathRename(
    fd: number,
    oldPtr: number,
    oldLen: number,
    newFd: number,
    newPtr: number,
    newLen: number,
  ): number {
    return this.twoPathCall(fd, oldPtr, oldLen, newFd, newPtr, newLen, (dir, path, to, newPath) =>
      dir.rename(path, to, newPath),
    );
  }

  /** path_link: `newPath` in `newFd` names the file `oldPath` names (flags: follow a final link). */
  protected pathLink(
    fd: number,
    flags: number,
    oldPtr: number,
    oldLen: number,
    newFd: number,
    newPtr: number,
    newLen: number,
  ): number {
    const follow = (flags & LOOKUP_SYMLINK_FOLLOW) !== 0;
    return this.twoPathCall(fd, oldPtr, oldLen, newFd, newPtr, newLen, (dir, path, to, newPath) =>
      dir.link(path, to, newPath, follow),
    );
  }

  /** A call on a path in `fd` and one in `newFd` (rename, link). */
  private twoPathCall(
    fd: number,
    oldPtr: number,
    oldLen: number,
    newFd: number,
    newPtr: number,
    newLen: number,
    op: (dir: HostDir, path: string, to: HostDir, newPath: string) => number,
  ): number {
    const to = this.dirOf(newFd);
    if (typeof to === "number") return -to;
    const newPath = this.pathArg(newPtr, newLen);
    if (typeof newPath === "number") return -newPath;
    return this.pathCall(fd, oldPtr, oldLen, (dir, path) => op(dir, path, to, newPath));
  }
}
