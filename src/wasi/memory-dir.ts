import { WASI_ERRNO } from "../abi/errno.js";
import { HostDir, type HostDirEntry, type HostOpenOptions } from "./host-dir.js";
import {
  FILETYPE_DIRECTORY,
  FILETYPE_REGULAR_FILE,
  HostFile,
  type HostFileOptions,
  type HostFileStat,
  type HostTime,
} from "./host-file.js";

const E = WASI_ERRNO;
const CHUNK = 1 << 16;

let nextDev = 1n;

function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

/** An inode: what a directory entry names. */
abstract class MemoryNode {
  atimNs = nowNs();
  mtimNs = this.atimNs;
  ctimNs = this.atimNs;
  constructor(
    readonly dev: bigint,
    readonly ino: bigint,
  ) {}
  abstract stat(): HostFileStat;
  touch(): void {
    this.mtimNs = this.ctimNs = nowNs();
  }
}

/** File bytes in 64 KiB chunks, so a sparse file costs only what was written. */
class MemoryFileNode extends MemoryNode {
  size = 0;
  /** Names that hard links give it. */
  links = 1;
  readonly chunks = new Map<number, Uint8Array>();

  stat(): HostFileStat {
    const { dev, ino, atimNs, mtimNs, ctimNs } = this;
    const nlink = BigInt(this.links);
    return { dev, ino, filetype: FILETYPE_REGULAR_FILE, nlink, size: BigInt(this.size), atimNs, mtimNs, ctimNs };
  }

  read(dst: Uint8Array, offset: number): number {
    const n = Math.max(0, Math.min(dst.length, this.size - offset));
    for (let done = 0; done < n; ) {
      const at = offset + done;
      const len = Math.min(CHUNK - (at % CHUNK), n - done);
      const chunk = this.chunks.get(Math.floor(at / CHUNK));
      if (chunk) dst.set(chunk.subarray(at % CHUNK, (at % CHUNK) + len), done);
      else dst.fill(0, done, done + len);
      done += len;
    }
    return n;
  }

  write(src: Uint8Array, offset: number): number {
    for (let done = 0; done < src.length; ) {
      const at = offset + done;
      const len = Math.min(CHUNK - (at % CHUNK), src.length - done);
      const index = Math.floor(at / CHUNK);
      let chunk = this.chunks.get(index);
      if (!chunk) this.chunks.set(index, (chunk = new Uint8Array(CHUNK)));
      chunk.set(src.subarray(done, done + len), at % CHUNK);
      done += len;
    }
    this.size = Math.max(this.size, offset + src.length);
    this.touch();
    return src.length;
  }

  truncate(size: number): void {
    for (const index of this.chunks.keys()) if (index * CHUNK >= size) this.chunks.delete(index);
    // Bytes past the new end must read as zeros if the file grows again.
    this.chunks.get(Math.floor(size / CHUNK))?.fill(0, size % CHUNK);
    this.size = size;
    this.touch();
  }
}

class MemoryDirNode extends MemoryNode {
  readonly entries = new Map<string, MemoryNode>();
  constructor(
    dev: bigint,
    ino: bigint,
    public parent: MemoryDirNode | undefined,
  ) {
    super(dev, ino);
  }

  stat(): HostFileStat {
    let subdirs = 0n;
    for (const e of this.entries.values()) if (e instanceof MemoryDirNode) subdirs++;
    const { dev, ino, atimNs, mtimNs, ctimNs } = this;
    return { dev, ino, filetype: FILETYPE_DIRECTORY, nlink: 2n + subdirs, size: 4096n, atimNs, mtimNs, ctimNs };
  }
}

/** A file system in memory: one device, numbered inodes. */
class MemoryFs {
  readonly dev = nextDev++;
  /** The largest size a write or truncate may give a file (MemoryDir.fileSizeLimit). */
  fileSizeLimit = Number.POSITIVE_INFINITY;
  private ino = 1n;
  newFile(): MemoryFileNode {
    return new MemoryFileNode(this.dev, ++this.ino);
  }
  newDir(parent: MemoryDirNode | undefined): MemoryDirNode {
    return new MemoryDirNode(this.dev, ++this.ino, parent);
  }
}

function setTimes(node: MemoryNode, atime: HostTime, mtime: HostTime): void {
  const now = nowNs();
  if (atime !== undefined) node.atimNs = atime === "now" ? now : atime;
  if (mtime !== undefined) node.mtimNs = mtime === "now" ? now : mtime;
  node.ctimNs = now;
}

/** An open file of a MemoryDir. Browsers (and any runtime). */
export class MemoryFile extends HostFile {
  constructor(
    private readonly node: MemoryFileNode,
    options: HostFileOptions,
    private readonly fs: MemoryFs,
  ) {
    super(options);
  }
  override pread(dst: Uint8Array, offset: number): number {
    return this.node.read(dst, offset);
  }
  override pwrite(src: Uint8Array, offset: number): number {
    // As Linux's pwrite on an O_APPEND descriptor: to the end, whatever the offset.
    const at = this.append ? this.node.size : offset;
    // RLIMIT_FSIZE with SIGXFSZ ignored: the write stops at the limit, or fails if it starts there.
    const limit = this.fs.fileSizeLimit;
    if (at + src.length > limit) {
      if (at >= limit) return -E.EFBIG;
      return this.node.write(src.subarray(0, limit - at), at);
    }
    return this.node.write(src, at);
  }
  override stat(): HostFileStat {
    return this.node.stat();
  }
  override truncate(size: number): number {
    if (size > this.node.size && size > this.fs.fileSizeLimit) return -E.EFBIG;
    this.node.truncate(size);
    return 0;
  }
  override sync(): number {
    return 0;
  }
  override datasync(): number {
    return 0;
  }
  override setTimes(atime: HostTime, mtime: HostTime): number {
    setTimes(this.node, atime, mtime);
    return 0;
  }
  override close(): number {
    return 0;
  }
}

/**
 * A directory tree in memory, for programs run where there is no file
 * system to lend them (a browser page's worker). Linux's errnos for the
 * usual mistakes; no symbolic links, and `..` past this directory fails
 * with ENOTCAPABLE as with every HostDir. Browsers (and any runtime).
 */
export class MemoryDir extends HostDir {
  private readonly fs: MemoryFs;
  private readonly root: MemoryDirNode;

  /** A new, empty file system, or (internal) a directory of an existing one. */
  constructor(from?: { fs: MemoryFs; root: MemoryDirNode }) {
    super();
    this.fs = from?.fs ?? new MemoryFs();
    this.root = from?.root ?? this.fs.newDir(undefined);
  }

  /**
   * The largest size, in bytes, that a program's write or truncate may give
   * a file of this file system, as Linux's `ulimit -f` (RLIMIT_FSIZE) with
   * SIGXFSZ ignored: a write stops at it, one that starts at or past it and a
   * truncate that grows a file past it fail with EFBIG. Applies from the
   * next call on; files written by writeFile are not limited. Default: none
   * (Infinity).
   */
  get fileSizeLimit(): number {
    return this.fs.fileSizeLimit;
  }
  set fileSizeLimit(bytes: number) {
    if (!(bytes >= 0)) throw new RangeError(`fileSizeLimit must be a size in bytes (0 or more), not ${bytes}`);
    this.fs.fileSizeLimit = bytes;
  }

  override list(): HostDirEntry[] | number {
    return [...this.root.entries].map(([name, node]) => ({ name, filetype: node.stat().filetype, ino: node.ino }));
  }

  override parentIno(): bigint | number {
    return this.root.parent?.ino ?? -E.ENOTCAPABLE;
  }

  /** The parent directory and last name of `path`, or -errno. */
  private locate(path: string): { dir: MemoryDirNode; name: string } | number {
    const parts = path.split("/").filter((p) => p !== "" && p !== ".");
    let dir = this.root;
    for (let i = 0; i < parts.length - 1; i++) {
      const part = parts[i]!;
      if (part === "..") {
        if (dir === this.root || !dir.parent) return -E.ENOTCAPABLE;
        dir = dir.parent;
        continue;
      }
      const next = dir.entries.get(part);
      if (!next) return -E.ENOENT;
      if (!(next instanceof MemoryDirNode)) return -E.ENOTDIR;
      dir = next;
    }
    const name = parts[parts.length - 1] ?? ".";
    if (name === "..") {
      if (dir === this.root || !dir.parent) return -E.ENOTCAPABLE;
      return { dir: dir.parent, name: "." };
    }
    return { dir, name };
  }

  private lookup(path: string): MemoryNode | number {
    const at = this.locate(path);
    if (typeof at === "number") return at;
    if (at.name === ".") return at.dir;
    return at.dir.entries.get(at.name) ?? -E.ENOENT;
  }

  private sub(node: MemoryDirNode): MemoryDir {
    return new MemoryDir({ fs: this.fs, root: node });
  }

  /** The names along a setup path; `..` would name an entry that lookups take for the parent. */
  private static setupParts(path: string): string[] {
    const parts = path.split("/").filter((p) => p !== "" && p !== ".");
    if (parts.includes("..")) throw new Error(`${path}: a path to set up must stay inside the directory (no "..")`);
    return parts;
  }

  /** Writes `bytes` to `path` (creating parent directories): for setting up a program's files. */
  writeFile(path: string, bytes: Uint8Array): void {
    const parts = MemoryDir.setupParts(path);
    let dir = this.root;
    for (const part of parts.slice(0, -1)) {
      let next = dir.entries.get(part);
      if (!next) dir.entries.set(part, (next = this.fs.newDir(dir)));
      if (!(next instanceof MemoryDirNode)) throw new Error(`${part} is not a directory`);
      dir = next;
    }
    const file = this.fs.newFile();
    file.write(bytes, 0);
    dir.entries.set(parts[parts.length - 1]!, file);
  }

  /** Creates directory `path` and its missing parents (an existing directory is kept): for setting up a program's directories. */
  writeDir(path: string): void {
    let dir = this.root;
    for (const part of MemoryDir.setupParts(path)) {
      let next = dir.entries.get(part);
      if (!next) dir.entries.set(part, (next = this.fs.newDir(dir)));
      if (!(next instanceof MemoryDirNode)) throw new Error(`${part} is not a directory`);
      dir = next;
    }
  }

  /** Every directory under this one (empty ones too), by path, parents first: with files(), the whole tree. */
  directories(): string[] {
    const out: string[] = [];
    const walk = (dir: MemoryDirNode, prefix: string) => {
      for (const [name, node] of dir.entries) {
        if (!(node instanceof MemoryDirNode)) continue;
        out.push(`${prefix}${name}`);
        walk(node, `${prefix}${name}/`);
      }
    };
    walk(this.root, "");
    return out;
  }

  /** Every file under this directory, by path: for reading back what a program wrote. */
  files(): Map<string, Uint8Array> {
    const out = new Map<string, Uint8Array>();
    const walk = (dir: MemoryDirNode, prefix: string) => {
      for (const [name, node] of dir.entries) {
        if (node instanceof MemoryDirNode) walk(node, `${prefix}${name}/`);
        else if (node instanceof MemoryFileNode) {
          const bytes = new Uint8Array(node.size);
          node.read(bytes, 0);
          out.set(`${prefix}${name}`, bytes);
        }
      }
    };
    walk(this.root, "");
    return out;
  }

  override open(path: string, o: HostOpenOptions): HostFile | HostDir | number {
    const at = this.locate(path);
    if (typeof at === "number") return at;
    let node: MemoryNode | undefined = at.name === "." ? at.dir : at.dir.entries.get(at.name);
    if (!node) {
      if (!o.create) return -E.ENOENT;
      node = this.fs.newFile();
      at.dir.entries.set(at.name, node);
      at.dir.touch();
    } else if (o.create && o.exclusive) {
      return -E.EEXIST;
    }
    if (node instanceof MemoryDirNode) return o.writable ? -E.EISDIR : this.sub(node);
    if (o.directory) return -E.ENOTDIR;
    const file = node as MemoryFileNode;
    // Linux truncates a regular file opened O_RDONLY|O_TRUNC too.
    if (o.truncate && file.size > 0) file.truncate(0);
    return new MemoryFile(file, { readable: o.readable, writable: o.writable, append: o.append, path }, this.fs);
  }

  override stat(path: string, _follow = true): HostFileStat | number {
    const node = this.lookup(path);
    return typeof node === "number" ? node : node.stat();
  }

  override setTimes(path: string, atime: HostTime, mtime: HostTime, _follow = true): number {
    const node = this.lookup(path);
    if (typeof node === "number") return node;
    setTimes(node, atime, mtime);
    return 0;
  }

  override unlink(path: string): number {
    const at = this.locate(path);
    if (typeof at === "number") return at;
    const node = at.name === "." ? at.dir : at.dir.entries.get(at.name);
    if (!node) return -E.ENOENT;
    if (node instanceof MemoryDirNode) return -E.EISDIR;
    at.dir.entries.delete(at.name);
    if (node instanceof MemoryFileNode) node.links--;
    at.dir.touch();
    return 0;
  }

  override link(from: string, toDir: HostDir, to: string, _follow: boolean): number {
    if (!(toDir instanceof MemoryDir) || toDir.fs !== this.fs) return -E.EXDEV;
    const node = this.lookup(from);
    if (typeof node === "number") return node;
    // Linux refuses hard links to directories.
    if (!(node instanceof MemoryFileNode)) return -E.EPERM;
    const dst = toDir.locate(to);
    if (typeof dst === "number") return dst;
    if (dst.name === "." || dst.dir.entries.has(dst.name)) return -E.EEXIST;
    dst.dir.entries.set(dst.name, node);
    node.links++;
    node.ctimNs = nowNs();
    dst.dir.touch();
    return 0;
  }

  override mkdir(path: string): number {
    const at = this.locate(path);
    if (typeof at === "number") return at;
    if (at.name === "." || at.dir.entries.has(at.name)) return -E.EEXIST;
    at.dir.entries.set(at.name, this.fs.newDir(at.dir));
    at.dir.touch();
    return 0;
  }

  override rmdir(path: string): number {
    const at = this.locate(path);
    if (typeof at === "number") return at;
    if (at.name === ".") return -E.EINVAL;
    const node = at.dir.entries.get(at.name);
    if (!node) return -E.ENOENT;
    if (!(node instanceof MemoryDirNode)) return -E.ENOTDIR;
    if (node.entries.size > 0) return -E.ENOTEMPTY;
    at.dir.entries.delete(at.name);
    at.dir.touch();
    return 0;
  }

  override rename(from: string, toDir: HostDir, to: string): number {
    if (!(toDir instanceof MemoryDir) || toDir.fs !== this.fs) return -E.EXDEV;
    const src = this.locate(from);
    if (typeof src === "number") return src;
    const dst = toDir.locate(to);
    if (typeof dst === "number") return dst;
    if (src.name === "." || dst.name === ".") return -E.EBUSY;
    const node = src.dir.entries.get(src.name);
    if (!node) return -E.ENOENT;
    const old = dst.dir.entries.get(dst.name);
    if (old === node) return 0;
    if (node instanceof MemoryDirNode) {
      for (let d: MemoryDirNode | undefined = dst.dir; d; d = d.parent) if (d === node) return -E.EINVAL;
      if (old && !(old instanceof MemoryDirNode)) return -E.ENOTDIR;
      if (old instanceof MemoryDirNode && old.entries.size > 0) return -E.ENOTEMPTY;
      node.parent = dst.dir;
    } else if (old instanceof MemoryDirNode) {
      return -E.EISDIR;
    }
    if (old instanceof MemoryFileNode) old.links--;
    src.dir.entries.delete(src.name);
    dst.dir.entries.set(dst.name, node);
    src.dir.touch();
    dst.dir.touch();
    return 0;
  }
}
