/**
 * The WASI preview1 host: WasiHost assembles the import object from the fd
 * calls (fd-calls.ts), the path calls (path-calls.ts), the process calls
 * (process-calls.ts) over the guest's memory (guest-memory.ts).
 */
import type { HostDir } from "./host-dir.js";
import type { HostFile } from "./host-file.js";
import { PathCalls } from "./path-calls.js";
import {
  type EncodedStrings,
  clockResGet,
  clockTimeGet,
  encodeStrings,
  randomGet,
  sizesGet,
  stringsGet,
  WasiExit,
} from "./process-calls.js";
import { E } from "./fd-calls.js";

export { WasiExit } from "./process-calls.js";
export type { WasiHostIOStats } from "./fd-calls.js";

/** Configuration for a WasiHost. */
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
  /**
   * Regular files redirected into stdin, stdout or stderr (`prog < in > out`),
   * by descriptor, at `position`: that descriptor is then the file, as on
   * Linux (fstat, lseek, pread and mmap work on it), and `stdin`, `stdout`
   * or `stderr` is not used for it.
   */
  stdioFiles?: ReadonlyMap<number, { file: HostFile; position: number }>;
  /**
   * Which of stdin, stdout and stderr (0, 1, 2) are terminals: the others
   * are reported as pipes, so that isatty() says 0 for them as it does on
   * Linux when they are redirected. Default: all three.
   */
  terminals?: readonly number[];
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

/**
 * A WASI preview1 host for the anymmap core: an fd table of HostFiles plus
 * the handful of process functions Emscripten's libc needs. Implements only
 * what the core imports, each function exactly per the preview1 ABI, and
 * never lets an exception cross into WebAssembly except WasiExit: a throw
 * through C frames would skip the core's cleanup and leave its tables
 * inconsistent.
 */ export class WasiHost extends PathCalls {
  private readonly args: EncodedStrings;
  private readonly env: EncodedStrings;

  constructor(options: WasiHostOptions = {}) {
    super(options);
    this.args = encodeStrings(options.args ?? []);
    this.env = encodeStrings(Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`));
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
          sizesGet(this.mem, this.args, argcPtr >>> 0, bufSizePtr >>> 0),
        ),
        args_get: g((argvPtr: number, bufPtr: number) => stringsGet(this.mem, this.args, argvPtr >>> 0, bufPtr >>> 0)),
        environ_sizes_get: g((countPtr: number, bufSizePtr: number) =>
          sizesGet(this.mem, this.env, countPtr >>> 0, bufSizePtr >>> 0),
        ),
        environ_get: g((environPtr: number, bufPtr: number) =>
          stringsGet(this.mem, this.env, environPtr >>> 0, bufPtr >>> 0),
        ),
        clock_time_get: g((id: number, _precision: bigint, timePtr: number) =>
          clockTimeGet(this.mem, id, timePtr >>> 0),
        ),
        clock_res_get: g((id: number, resolutionPtr: number) => clockResGet(this.mem, id, resolutionPtr >>> 0)),
        random_get: g((buf: number, len: number) => randomGet(this.mem, buf >>> 0, len >>> 0)),
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
        path_readlink: g((fd: number, path: number, pathLen: number, buf: number, bufLen: number, bufusedPtr: number) =>
          this.pathReadlink(fd >>> 0, path >>> 0, pathLen >>> 0, buf >>> 0, bufLen >>> 0, bufusedPtr >>> 0),
        ),
        path_symlink: g((target: number, targetLen: number, fd: number, path: number, pathLen: number) =>
          this.pathSymlink(target >>> 0, targetLen >>> 0, fd >>> 0, path >>> 0, pathLen >>> 0),
        ),
        path_link: g(
          (
            fd: number,
            flags: number,
            oldPath: number,
            oldLen: number,
            newFd: number,
            newPath: number,
            newLen: number,
          ) => this.pathLink(fd >>> 0, flags, oldPath >>> 0, oldLen >>> 0, newFd >>> 0, newPath >>> 0, newLen >>> 0),
        ),
        path_rename: g((fd: number, oldPath: number, oldLen: number, newFd: number, newPath: number, newLen: number) =>
          this.pathRename(fd >>> 0, oldPath >>> 0, oldLen >>> 0, newFd >>> 0, newPath >>> 0, newLen >>> 0),
        ),
      },
    };
  }
}
