/*
 * An in-memory file system behind the WASI shim (wasm/native/wasi/api.h), for
 * fuzzing the anymmap core: deterministic, fast, and inspectable. Files are
 * numbered inodes holding bytes; descriptors are numbers (the lowest free one
 * >= 3 on open, as POSIX does) naming an inode with read, write and append
 * rights. The WASI calls behave as the JavaScript host's (src/wasi/host.ts)
 * over Linux: pwrite on an append descriptor writes at the end of the file,
 * ftruncate of a descriptor without write access is EINVAL, renumber may
 * target an unused number. Functions return 0 or a WASI errno unless said.
 */
#ifndef ANYMMAP_NATIVE_MEMFS_H
#define ANYMMAP_NATIVE_MEMFS_H

#include <stddef.h>
#include <stdint.h>

#define MEMFS_MAX_FILES 16
#define MEMFS_MAX_FDS   64
/* Larger files are refused with EFBIG, to keep fuzzing memory small. */
#define MEMFS_MAX_SIZE  (UINT64_C(1) << 22)

/* Closes every descriptor and deletes every file. */
void memfs_reset(void);

/* A new empty file of the given WASI filetype: its inode number (>= 0), or -1. */
int memfs_create(uint8_t filetype);

/* A descriptor for inode ino (>= 3), or -1 when the table is full. */
int memfs_open(int ino, int readable, int writable, int append);

/* Bytes and size of a file (the pointer is valid until the next change). */
const uint8_t *memfs_data(int ino);
uint64_t memfs_size(int ino);

/* Changes a file behind anymmap's back, as another process would. */
int memfs_write(int ino, const void *buf, size_t len, uint64_t offset);
int memfs_truncate(int ino, uint64_t size);

/* The inode behind a descriptor and its rights: 0, or -1 when fd is not open. */
int memfs_fd_info(int32_t fd, int *ino, int *readable, int *writable, int *append);
/* Open descriptors, hidden ones included. */
int memfs_open_count(void);

/* While set (non-zero), every fd_pread / fd_pwrite fails with that errno. */
void memfs_fail_reads(uint16_t err);
void memfs_fail_writes(uint16_t err);

struct memfs_stats {
  uint64_t reads, writes, syncs, truncates;
};
extern struct memfs_stats memfs_stats;

#endif
