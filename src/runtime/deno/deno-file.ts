import * as fs from "node:fs";
import { WASI_ERRNO } from "../../core/errno.js";
import { MmapError } from "../../core/errors.js";
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
} from "../../wasi/host-file.js";
import { denoErrorName, mapDenoError, missingPermission } from "./map-error.js";

// Deno's node:fs caps one read/write like Node (2 GiB - 1); a 1 GiB step stays clear of it.
const IO_STEP = 1 << 30;

const OPEN_HINTS: Readonly<Record<string, string>> = {
  ENOENT: "no such file; check the path",
  EACCES: "permission denied by the operating system; check the file mode",
  EPERM: "operation not permitted; check the file's permissions and attributes",
  EISDIR: "is a directory; open it read-only ('r') or pass a file",
  ENOTDIR: "a component of the path is not a directory",
  EEXIST: "file already exists; drop the 'x' flag to open it anyway",
  EMFILE: "too many open files in this process; close some descriptors",
  ENFILE: "too many open files in the system",
  ENAMETOOLONG: "path too long",
  ELOOP: "too many symbolic links in the path",
  EROFS: "read-only file system; open read-only ('r')",
  ETXTBSY: "file is busy",
  EBUSY: "file is busy",
  EINVAL: "invalid path or flags",
};

/** Readable/writable/append from open flags, so fdstat rights match what the OS granted. */
function accessOf(flags: string): { readable: boolean; writable: boolean; append: boolean } {
  const plus = flags.includes("+");
  switch (flags.replace(/[sx+]/g, "")) {
    case "r":
      return { readable: true, writable: plus, append: false };
    case "w":
      return { readable: plus, writable: true, append: false };
    case "a":
      return { readable: plus, writable: true, append: true };
    default:
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

/**
 * The MmapError for a permission Deno was not started with: code EACCES and
 * a message that names the flag to add. Works in Deno.
 */
export function permissionError(flag: string, syscall: string, what: string, path: string | undefined, cause: unknown): MmapError {
  const scoped = path === undefined ? "" : ` or ${flag}=${path}`;
  const both = flag === "--allow-write" ? "; writable mappings need both --allow-read and --allow-write" : "";
  return new MmapError(
    "EACCES",
    syscall,
    `Deno was not given permission to ${what}: run deno with ${flag}${scoped}${both}`,
    path === undefined ? { cause } : { path, cause },
  );
}

/**
 * A HostFile over a descriptor of Deno's node:fs. Deno's own `Deno.FsFile`
 * has no positional read, so each page-in would be a seek plus a read (two
 * system calls, moving a shared cursor); node:fs `readSync` with a position
 * is one `pread64` straight into the view of WebAssembly memory, measured as
 * fast or faster, and exact past 4 GiB. Synchronous, because WASI imports
 * must answer before returning to WebAssembly. Takes ownership of `fd`.
 * Works in Deno.
 */
export class DenoHostFile extends HostFile {
  private osFd: number;

  constructor(fd: number, options: HostFileOptions = {}) {
    super(options);
    this.osFd = fd;
  }

  /** The underlying descriptor, or -1 once closed. */
  get fd(): number {
    return this.osFd;
  }

  /**
   * Opens `path` with fs.openSync flags ("r", "r+", "w", "w+", "a", "a+",
   * "wx", ...) and mode (default 0o666). Throws an MmapError with syscall
   * "open" that says what to check; a missing Deno permission is EACCES and
   * names the flag (--allow-read, or --allow-write for writing).
   */
  static open(path: string, flags: string, mode?: number): DenoHostFile {
    const access = accessOf(flags);
    let fd: number;
    try {
      fd = fs.openSync(path, flags, mode ?? 0o666);
    } catch (e) {
      const flag = missingPermission(e);
      if (flag !== undefined) {
        const what = flag === "--allow-write" ? "write this file" : flag === "--allow-read" ? "read this file" : "open this file";
        throw permissionError(flag, "open", what, path, e);
      }
      const code = denoErrorName(e);
      const hint = OPEN_HINTS[code] ?? (e instanceof Error ? e.message : String(e));
      throw new MmapError(code, "open", hint, { path, cause: e });
    }
    return new DenoHostFile(fd, { ...access, path });
  }

  override pread(dst: Uint8Array, offset: number): number {
    if (this.osFd < 0) return -WASI_ERRNO.EBADF;
    try {
      let done = 0;
      while (done < dst.length) {
        const n = fs.readSync(this.osFd, dst, done, Math.min(dst.length - done, IO_STEP), offset + done);
        if (n === 0) break;
        done += n;
      }
      return done;
    } catch (e) {
      return -mapDenoError(e);
    }
  }

  override pwrite(src: Uint8Array, offset: number): number {
    if (this.osFd < 0) return -WASI_ERRNO.EBADF;
    try {
      let done = 0;
      while (done < src.length) {
        const n = fs.writeSync(this.osFd, src, done, Math.min(src.length - done, IO_STEP), offset + done);
        if (n === 0) break;
        done += n;
      }
      return done;
    } catch (e) {
      return -mapDenoError(e);
    }
  }

  override stat(): HostFileStat | number {
    if (this.osFd < 0) return -WASI_ERRNO.EBADF;
    try {
      const st = fs.fstatSync(this.osFd, { bigint: true });
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
    } catch (e) {
      return -mapDenoError(e);
    }
  }

  override truncate(size: number): number {
    return this.run(() => fs.ftruncateSync(this.osFd, size));
  }

  override sync(): number {
    return this.run(() => fs.fsyncSync(this.osFd));
  }

  override datasync(): number {
    return this.run(() => fs.fdatasyncSync(this.osFd));
  }

  override close(): number {
    const fd = this.osFd;
    if (fd < 0) return -WASI_ERRNO.EBADF;
    // Forget the number first: the OS reuses it for the next open.
    this.osFd = -1;
    try {
      fs.closeSync(fd);
      return 0;
    } catch (e) {
      return -mapDenoError(e);
    }
  }

  private run(op: () => void): number {
    if (this.osFd < 0) return -WASI_ERRNO.EBADF;
    try {
      op();
      return 0;
    } catch (e) {
      return -mapDenoError(e);
    }
  }
}
