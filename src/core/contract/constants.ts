/**
 * Linux x86-64 values of the mmap family's constants. The WASM engine
 * implements exactly these, whatever the host OS.
 */

/** Bytes per page: Linux's 4096, not WebAssembly's 65536. */
export const PAGE_SIZE = 4096;

/** Memory protection bits for `prot`. */
export const PROT_NONE = 0;
/** @see PROT_NONE */
export const PROT_READ = 1;
/** @see PROT_NONE */
export const PROT_WRITE = 2;
/** @see PROT_NONE */
export const PROT_EXEC = 4;

/** Mapping flags for `flags`. */
export const MAP_SHARED = 0x01;
/** @see MAP_SHARED */
export const MAP_PRIVATE = 0x02;
/** @see MAP_SHARED */
export const MAP_SHARED_VALIDATE = 0x03;
/**
 * The flags Linux's MAP_SHARED_VALIDATE accepts (LEGACY_MAP_MASK: the
 * types, MAP_FIXED, MAP_ANONYMOUS, MAP_32BIT, MAP_DENYWRITE...MAP_HUGETLB,
 * MAP_UNINITIALIZED and the huge page size bits; MAP_FIXED_NOREPLACE); any
 * other is EOPNOTSUPP. MAP_SYNC needs DAX, so it is refused too. One set for
 * both backends (the WASM engine's own list refused MAP_32BIT and the size
 * bits and took MAP_SYNC).
 */
export const MAP_VALIDATE_KNOWN =
  0x03 |
  0x10 |
  0x20 |
  0x40 |
  0x100 |
  0x800 |
  0x1000 |
  0x2000 |
  0x4000 |
  0x8000 |
  0x10000 |
  0x20000 |
  0x40000 |
  0x100000 |
  0xfc000000;
/** @see MAP_SHARED */
export const MAP_TYPE = 0x0f;
/** @see MAP_SHARED */
export const MAP_FIXED = 0x10;
/** @see MAP_SHARED */
export const MAP_ANONYMOUS = 0x20;
/** @see MAP_SHARED */
export const MAP_NORESERVE = 0x4000;
/** @see MAP_SHARED */
export const MAP_POPULATE = 0x8000;
/** @see MAP_SHARED */
export const MAP_NONBLOCK = 0x10000;
/** @see MAP_SHARED */
export const MAP_FIXED_NOREPLACE = 0x100000;

/** msync flags. */
export const MS_ASYNC = 1;
/** @see MS_ASYNC */
export const MS_INVALIDATE = 2;
/** @see MS_ASYNC */
export const MS_SYNC = 4;

/** madvise advice values. */
export const MADV_NORMAL = 0;
/** @see MADV_NORMAL */
export const MADV_RANDOM = 1;
/** @see MADV_NORMAL */
export const MADV_SEQUENTIAL = 2;
/** @see MADV_NORMAL */
export const MADV_WILLNEED = 3;
/** @see MADV_NORMAL */
export const MADV_DONTNEED = 4;
/** @see MADV_NORMAL */
export const MADV_FREE = 8;
/** @see MADV_NORMAL */
export const MADV_REMOVE = 9;

/** mremap flags. */
export const MREMAP_MAYMOVE = 1;
/** @see MREMAP_MAYMOVE */
export const MREMAP_FIXED = 2;
/** @see MREMAP_MAYMOVE */
export const MREMAP_DONTUNMAP = 4;

const PROT_NAMES: Record<string, number> = {
  none: PROT_NONE,
  read: PROT_READ,
  write: PROT_WRITE,
  exec: PROT_EXEC,
};

const MAP_NAMES: Record<string, number> = {
  shared: MAP_SHARED,
  private: MAP_PRIVATE,
  shared_validate: MAP_SHARED_VALIDATE,
  fixed: MAP_FIXED,
  anonymous: MAP_ANONYMOUS,
  anon: MAP_ANONYMOUS,
  noreserve: MAP_NORESERVE,
  populate: MAP_POPULATE,
  nonblock: MAP_NONBLOCK,
  fixed_noreplace: MAP_FIXED_NOREPLACE,
};

const MS_NAMES: Record<string, number> = {
  async: MS_ASYNC,
  invalidate: MS_INVALIDATE,
  sync: MS_SYNC,
};

const MADV_NAMES: Record<string, number> = {
  normal: MADV_NORMAL,
  random: MADV_RANDOM,
  sequential: MADV_SEQUENTIAL,
  willneed: MADV_WILLNEED,
  dontneed: MADV_DONTNEED,
  free: MADV_FREE,
  remove: MADV_REMOVE,
};

const MREMAP_NAMES: Record<string, number> = {
  maymove: MREMAP_MAYMOVE,
  fixed: MREMAP_FIXED,
  dontunmap: MREMAP_DONTUNMAP,
};

/** The readable-name tables, by constant family. */
export const NAMES = {
  PROT: PROT_NAMES,
  MAP: MAP_NAMES,
  MS: MS_NAMES,
  MADV: MADV_NAMES,
  MREMAP: MREMAP_NAMES,
} as const;

/** A constant family: the prefix of its POSIX names. */
export type ConstantFamily = keyof typeof NAMES;
