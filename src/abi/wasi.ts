/**
 * The WASI preview1 ABI numbers the host speaks (wasi/api.h): file types,
 * rights, flags, clocks and the sizes of the structures it writes into guest
 * memory. Below both the WASI host and core; imports nothing.
 */

/** Filetype: unknown (also FIFOs, which WASI cannot name). */
export const FILETYPE_UNKNOWN = 0;
/** Filetype: block device. */
export const FILETYPE_BLOCK_DEVICE = 1;
/** Filetype: character device. */
export const FILETYPE_CHARACTER_DEVICE = 2;
/** Filetype: directory. */
export const FILETYPE_DIRECTORY = 3;
/** Filetype: regular file. */
export const FILETYPE_REGULAR_FILE = 4;
/** Filetype: datagram socket. */
export const FILETYPE_SOCKET_DGRAM = 5;
/** Filetype: stream socket. */
export const FILETYPE_SOCKET_STREAM = 6;
/** Filetype: symbolic link. */
export const FILETYPE_SYMBOLIC_LINK = 7;

/** The rights bits this host grants. */
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

/** Rights of a directory descriptor: every path_* call, and fd_read (reads fail with EISDIR, as on Linux; mmap checks it before the file type). */
export const DIR_RIGHTS = ((1n << 30n) - 1n) & ~((1n << 6n) | (1n << 22n));

/** fdflags bit for O_APPEND. */
export const FDFLAGS_APPEND = 1;

export const CLOCK_REALTIME = 0;
export const CLOCK_MONOTONIC = 1;
export const CLOCK_PROCESS_CPUTIME_ID = 2;
export const CLOCK_THREAD_CPUTIME_ID = 3;

export const WHENCE_SET = 0;
export const WHENCE_CUR = 1;
export const WHENCE_END = 2;

export const PREOPENTYPE_DIR = 0;
export const OFLAGS_CREAT = 1;
export const OFLAGS_DIRECTORY = 2;
export const OFLAGS_EXCL = 4;
export const OFLAGS_TRUNC = 8;
export const LOOKUP_SYMLINK_FOLLOW = 1;
export const FSTFLAGS_ATIM = 1;
export const FSTFLAGS_ATIM_NOW = 2;
export const FSTFLAGS_MTIM = 4;
export const FSTFLAGS_MTIM_NOW = 8;

/** Bytes of a filestat, a prestat and an fdstat in guest memory. */
export const FILESTAT_SIZE = 64;
export const PRESTAT_SIZE = 8;
export const FDSTAT_SIZE = 24;
