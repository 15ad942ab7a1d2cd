import * as fs from "node:fs";
import { resolve, sep } from "node:path";
import { WASI_ERRNO } from "../../abi/errno.js";
import { HostDir, type HostOpenOptions, type HostDirEntry } from "../../wasi/host-dir.js";
import type { HostFile, HostFileStat, HostTime } from "../../wasi/host-file.js";
import type { HostLocks } from "./host-locks.js";
import { openWithRoom } from "./descriptor-pool.js";
import { type FsErrors, hostStat, NODE_ERRORS, NodeHostFile, utimesSeconds } from "./node-file.js";

/**
 * A directory of the host file system as a WASI preopen, over the
 * synchronous `node:fs` calls. Paths stay inside it, as in WASI: one that
 * leaves it (`..` past the root, or a symbolic link that points outside,
 * anywhere along the path) fails with ENOTCAPABLE. Links that stay inside
 * are followed. Node, Bun and Deno.
 */
export class NodeHostDir extends HostDir {
  private readonly root: string;

  /** `locks`: where the advisory locks of files opened here go (see NodeHostFile). */
  constructor(
    root: string,
    private readonly errors: FsErrors = NODE_ERRORS,
    private readonly locks?: HostLocks,
  ) {
    const abs = resolve(root);
    super(abs);
    // The directory itself may be reached through a link: what it holds is compared with where it really is.
    let real = abs;
    try {
      real = fs.realpathSync(abs);
    } catch {
      // Missing: every call will say so.
    }
    this.root = real;
  }

  private inside(p: string): boolean {
    return p === this.root || p.startsWith(this.root.endsWith(sep) ? this.root : this.root + sep);
  }

  /**
   * The host path of `path` with every symbolic link resolved (the last
   * component's only if `followLast`), or -ENOTCAPABLE when it leaves this
   * directory. Resolved here rather than by the OS, so that a link to
   * outside (even a dangling one, which O_CREAT would follow) is refused.
   */
  private full(path: string, followLast = true): string | number {
    // `..` is resolved by name first, as WASI hosts do.
    const lexical = resolve(this.root, path);
    if (!this.inside(lexical)) return -WASI_ERRNO.ENOTCAPABLE;
    const rest = this.components(lexical);
    let at = this.root;
    let hops = 0;
    while (rest.length > 0) {
      const next = resolve(at, rest.shift()!);
      if (rest.length === 0 && !followLast) return next;
      let target: string | undefined;
      try {
        if (fs.lstatSync(next).isSymbolicLink()) target = fs.readlinkSync(next);
      } catch {
        // Missing (or unreadable): what is left is created or reported by the call itself.
      }
      if (target === undefined) {
        at = next;
        continue;
      }
      if (++hops > 40) return -WASI_ERRNO.ELOOP;
      const resolved = resolve(at, target);
      if (!this.inside(resolved)) return -WASI_ERRNO.ENOTCAPABLE;
      rest.unshift(...this.components(resolved));
      at = this.root;
    }
    return at;
  }

  /** The names on the way from this directory to `p`, which is inside it. */
  private components(p: string): string[] {
    return p
      .slice(this.root.length)
      .split(sep)
      .filter((c) => c !== "");
  }

  private run<T>(path: string, op: (full: string) => T, followLast = true): T | number {
    const full = this.full(path, followLast);
    if (typeof full === "number") return full;
    try {
      return op(full);
    } catch (e) {
      return -this.errors.map(e);
    }
  }

  override open(path: string, o: HostOpenOptions): HostFile | HostDir | number {
    const c = fs.constants;
    let flags = o.readable && o.writable ? c.O_RDWR : o.writable ? c.O_WRONLY : c.O_RDONLY;
    if (o.create) flags |= c.O_CREAT;
    // Linux ignores O_EXCL without O_CREAT, and truncates a regular file
    // opened O_RDONLY|O_TRUNC; Deno's node:fs refused both (EINVAL).
    if (o.exclusive && o.create) flags |= c.O_EXCL;
    const truncateByPath = o.truncate && !o.writable;
    if (o.truncate && !truncateByPath) flags |= c.O_TRUNC;
    if (o.append) flags |= c.O_APPEND;
    if (o.directory) flags |= c.O_DIRECTORY;
    if (!o.follow) flags |= c.O_NOFOLLOW;
    return this.run(
      path,
      (full) => {
        // O_NOFOLLOW on a link is ELOOP on Linux; Deno's node:fs answered ENOENT for a dangling one.
        if (!o.follow && fs.lstatSync(full, { throwIfNoEntry: false })?.isSymbolicLink()) return -WASI_ERRNO.ELOOP;
        if (truncateByPath && fs.statSync(full, { throwIfNoEntry: false })?.isFile()) fs.truncateSync(full, 0);
        const fd = openWithRoom(
          () => fs.openSync(full, flags, 0o666),
          (e) => this.errors.map(e),
        );
        let isDir = false;
        try {
          isDir = fs.fstatSync(fd).isDirectory();
        } catch (e) {
          fs.closeSync(fd);
          throw e;
        }
        if (!isDir)
          return new NodeHostFile(
            fd,
            { readable: o.readable, writable: o.writable, append: o.append, path: full },
            this.errors,
            this.locks,
          );
        // Directories are named, not held open: their path_* calls go by path.
        fs.closeSync(fd);
        return new NodeHostDir(full, this.errors, this.locks);
      },
      o.follow,
    );
  }

  override parentIno(): bigint | number {
    try {
      return fs.statSync(resolve(this.root, ".."), { bigint: true }).ino;
    } catch (e) {
      return -this.errors.map(e);
    }
  }

  override stat(path: string, follow: boolean): HostFileStat | number {
    return this.run(
      path,
      (full) => hostStat(follow ? fs.statSync(full, { bigint: true }) : fs.lstatSync(full, { bigint: true })),
      follow,
    );
  }

  override setTimes(path: string, atime: HostTime, mtime: HostTime, follow: boolean): number {
    return this.run(
      path,
      (full) => {
        const st = atime === undefined || mtime === undefined ? fs.statSync(full, { bigint: true }) : undefined;
        const a = utimesSeconds(atime, st?.atimeNs ?? 0n);
        const m = utimesSeconds(mtime, st?.mtimeNs ?? 0n);
        if (follow) fs.utimesSync(full, a, m);
        else fs.lutimesSync(full, a, m);
        return 0;
      },
      follow,
    );
  }

  override readlink(path: string): string | number {
    return this.run(path, (full) => fs.readlinkSync(full), false);
  }

  override symlink(target: string, path: string): number {
    return this.run(
      path,
      (full) => {
        fs.symlinkSync(target, full);
        return 0;
      },
      false,
    );
  }

  override unlink(path: string): number {
    return this.run(
      path,
      (full) => {
        // Linux's unlink answers EISDIR for a directory; Deno's unlinkSync
        // removes an empty one and reports ENOTEMPTY for the others.
        if (fs.lstatSync(full).isDirectory()) return -WASI_ERRNO.EISDIR;
        fs.unlinkSync(full);
        return 0;
      },
      false,
    );
  }

  override mkdir(path: string): number {
    return this.run(
      path,
      (full) => {
        fs.mkdirSync(full, 0o777);
        return 0;
      },
      false,
    );
  }

  override rmdir(path: string): number {
    return this.run(
      path,
      (full) => {
        fs.rmdirSync(full);
        return 0;
      },
      false,
    );
  }

  override link(from: string, toDir: HostDir, to: string, follow: boolean): number {
    return this.toOther(from, toDir, to, follow, (full, target) => fs.linkSync(full, target));
  }

  override rename(from: string, toDir: HostDir, to: string): number {
    // rename(2) moves and replaces links themselves, not what they point to.
    return this.toOther(from, toDir, to, false, (full, target) => fs.renameSync(full, target));
  }

  /** `op` from `from` here to `to` in `toDir` (link, rename): both inside their directories. */
  private toOther(
    from: string,
    toDir: HostDir,
    to: string,
    followFrom: boolean,
    op: (full: string, target: string) => void,
  ): number {
    if (!(toDir instanceof NodeHostDir)) return -WASI_ERRNO.EXDEV;
    const target = toDir.full(to, false);
    if (typeof target === "number") return target;
    return this.run(
      from,
      (full) => {
        op(full, target);
        return 0;
      },
      followFrom,
    );
  }

  /**
   * The entries that can be reached by name: one removed since readdir, or
   * one whose name is not UTF-8 (the runtime hands it over with U+FFFD, a
   * name that is not there, and the program could not pass its bytes back:
   * EILSEQ), is left out rather than failing the whole listing with ENOENT.
   */
  override list(): HostDirEntry[] | number {
    return this.run(".", (full) =>
      fs.readdirSync(full).flatMap((name) => {
        const st = fs.lstatSync(`${full}${sep}${name}`, { bigint: true, throwIfNoEntry: false });
        return st === undefined ? [] : [{ name, filetype: hostStat(st).filetype, ino: st.ino }];
      }),
    );
  }
}
