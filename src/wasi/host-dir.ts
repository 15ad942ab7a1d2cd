import { WASI_ERRNO } from "../abi/errno.js";
import type { HostFile, HostFileStat, HostTime } from "./host-file.js";

/** What opening a file asks for, as fs.open flags or O_ flags say it. */
export interface OpenMode {
  readable: boolean;
  writable: boolean;
  append: boolean;
  create: boolean;
  exclusive: boolean;
  truncate: boolean;
}

/** How `HostDir.open` should open a path (WASI `path_open`'s oflags, rights and fdflags). */
export interface HostOpenOptions extends OpenMode {
  /** Fail with ENOTDIR unless the path is a directory (O_DIRECTORY). */
  directory: boolean;
  /** Follow a symbolic link in the last component (not O_NOFOLLOW). */
  follow: boolean;
}

const ENOTSUP = -WASI_ERRNO.ENOTSUP;

/**
 * A directory the WASI host exposes to a program (a preopen, or one the
 * program opened with O_DIRECTORY). Paths are relative to it, never
 * absolute, and may contain `..`; a backend must refuse (ENOTCAPABLE) any
 * path that leaves the directory. Like HostFile, every method of this base
 * says "not supported" (`-ENOTSUP`), methods return a negated WASI errno
 * instead of throwing, and backends override what their storage can do.
 */
export class HostDir {
  /** For messages only. */
  readonly path?: string;

  constructor(path?: string) {
    if (path !== undefined) this.path = path;
  }

  /** Opens (or creates) `path`: a HostFile, a HostDir for a directory opened with `directory`, or -errno. */
  open(_path: string, _options: HostOpenOptions): HostFile | HostDir | number {
    return ENOTSUP;
  }

  /** The stat of `path` (of this directory for "."), following a final symlink if `follow`, or -errno. */
  stat(_path: string, _follow: boolean): HostFileStat | number {
    return ENOTSUP;
  }

  /** Sets the access and modification times of `path`: 0 or -errno. */
  setTimes(_path: string, _atime: HostTime, _mtime: HostTime, _follow: boolean): number {
    return ENOTSUP;
  }

  /** Removes the file `path` (EISDIR for a directory, as Linux's unlink): 0 or -errno. */
  unlink(_path: string): number {
    return ENOTSUP;
  }

  /** Creates the directory `path`: 0 or -errno. */
  mkdir(_path: string): number {
    return ENOTSUP;
  }

  /** Removes the empty directory `path`: 0 or -errno. */
  rmdir(_path: string): number {
    return ENOTSUP;
  }

  /** Makes `to` inside `toDir` another name of the file `from` (a hard link; EEXIST if `to` exists): 0 or -errno. */
  link(_from: string, _toDir: HostDir, _to: string, _follow: boolean): number {
    return ENOTSUP;
  }

  /** Renames `from` to `to` inside `toDir`, replacing what is there as rename(2) does: 0 or -errno. */
  rename(_from: string, _toDir: HostDir, _to: string): number {
    return ENOTSUP;
  }

  /** The target of the symbolic link `path`, as stored (EINVAL for anything else), or -errno. */
  readlink(_path: string): string | number {
    return ENOTSUP;
  }

  /**
   * Creates the symbolic link `path` holding `target` as given: 0 or -errno.
   * Following it later stays inside the preopened directories (the host
   * resolves every link it follows).
   */
  symlink(_target: string, _path: string): number {
    return ENOTSUP;
  }

  /** This directory's entries, without "." and "..", for WASI `fd_readdir`, or -errno. */
  list(): HostDirEntry[] | number {
    return ENOTSUP;
  }

  /**
   * The inode number of this directory's parent, which `..` names in a
   * listing (even where the parent is out of this directory's reach, as a
   * number says nothing of its contents), or -errno.
   */
  parentIno(): bigint | number {
    return ENOTSUP;
  }
}

/** One entry of a directory listing. */
export interface HostDirEntry {
  name: string;
  /** WASI filetype (of the entry itself, not what a symbolic link points to). */
  filetype: number;
  ino: bigint;
}
