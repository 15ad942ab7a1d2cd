/* WASI preview1 calls of the anymmap core over an in-memory file system
 * (memfs.h), plus the native linear memory (anymmap_hosted.h). */
#include <stdlib.h>
#include <string.h>

#include "anymmap_hosted.h"

/* Host code: the memory is reserved with libc's mmap, not anymmap's. */
#undef mmap

uintptr_t anymmap_base;

struct inode {
  uint8_t in_use;
  uint8_t filetype;
  uint8_t *data;
  uint64_t size, cap;
};

struct fd_entry {
  uint8_t in_use;
  uint8_t readable, writable, append;
  uint32_t num;
  int ino;
};

static struct inode inodes[MEMFS_MAX_FILES];
static struct fd_entry fds[MEMFS_MAX_FDS];
static uint16_t fail_reads, fail_writes;
struct memfs_stats memfs_stats;

int anymmap_hosted_init(void) {
  if (!anymmap_base) {
    void *p = mmap(NULL, (size_t)ANYMMAP_NATIVE_MEMORY_SIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return -1;
    anymmap_base = (uintptr_t)p;
  }
  memfs_reset();
  return 0;
}

void memfs_reset(void) {
  for (int i = 0; i < MEMFS_MAX_FILES; i++) free(inodes[i].data);
  memset(inodes, 0, sizeof inodes);
  memset(fds, 0, sizeof fds);
  fail_reads = fail_writes = 0;
  memset(&memfs_stats, 0, sizeof memfs_stats);
}

int memfs_create(uint8_t filetype) {
  for (int i = 0; i < MEMFS_MAX_FILES; i++) {
    if (inodes[i].in_use) continue;
    memset(&inodes[i], 0, sizeof inodes[i]);
    inodes[i].in_use = 1;
    inodes[i].filetype = filetype;
    return i;
  }
  return -1;
}

static struct fd_entry *entry(uint32_t num) {
  for (int i = 0; i < MEMFS_MAX_FDS; i++)
    if (fds[i].in_use && fds[i].num == num) return &fds[i];
  return NULL;
}

int memfs_open(int ino, int readable, int writable, int append) {
  if (ino < 0 || ino >= MEMFS_MAX_FILES || !inodes[ino].in_use) return -1;
  uint32_t num = 3;
  while (entry(num)) num++;
  for (int i = 0; i < MEMFS_MAX_FDS; i++) {
    if (fds[i].in_use) continue;
    fds[i] = (struct fd_entry){
        1, (uint8_t) !!readable, (uint8_t) !!writable, (uint8_t) !!append, num, ino};
    return (int)num;
  }
  return -1;
}

const uint8_t *memfs_data(int ino) {
  return inodes[ino].data;
}
uint64_t memfs_size(int ino) {
  return inodes[ino].size;
}

int memfs_fd_info(int32_t fd, int *ino, int *readable, int *writable, int *append) {
  struct fd_entry *e = entry((uint32_t)fd);
  if (!e) return -1;
  *ino = e->ino;
  *readable = e->readable;
  *writable = e->writable;
  *append = e->append;
  return 0;
}

int memfs_open_count(void) {
  int n = 0;
  for (int i = 0; i < MEMFS_MAX_FDS; i++) n += fds[i].in_use;
  return n;
}

void memfs_fail_reads(uint16_t err) {
  fail_reads = err;
}
void memfs_fail_writes(uint16_t err) {
  fail_writes = err;
}

static int resize(struct inode *f, uint64_t size) {
  if (size > MEMFS_MAX_SIZE) return __WASI_ERRNO_FBIG;
  if (size > f->cap) {
    uint64_t cap = f->cap ? f->cap : 4096;
    while (cap < size) cap *= 2;
    uint8_t *data = realloc(f->data, cap);
    if (!data) return __WASI_ERRNO_NOSPC;
    f->data = data;
    f->cap = cap;
  }
  if (size > f->size) memset(f->data + f->size, 0, size - f->size);
  f->size = size;
  return 0;
}

int memfs_write(int ino, const void *buf, size_t len, uint64_t offset) {
  struct inode *f = &inodes[ino];
  if (offset > MEMFS_MAX_SIZE || len > MEMFS_MAX_SIZE - offset) return __WASI_ERRNO_FBIG;
  if (!len) return 0;
  if (offset + len > f->size) {
    int err = resize(f, offset + len);
    if (err) return err;
  }
  memcpy(f->data + offset, buf, len);
  return 0;
}

int memfs_truncate(int ino, uint64_t size) {
  return resize(&inodes[ino], size);
}

__wasi_errno_t __wasi_fd_pread(__wasi_fd_t fd, const __wasi_iovec_t *iovs, size_t iovs_len,
                               __wasi_filesize_t offset, __wasi_size_t *nread) {
  struct fd_entry *e = entry(fd);
  if (!e || !e->readable) return __WASI_ERRNO_BADF;
  if (fail_reads) return fail_reads;
  memfs_stats.reads++;
  struct inode *f = &inodes[e->ino];
  size_t total = 0;
  for (size_t i = 0; i < iovs_len; i++) {
    uint64_t at = offset + total;
    size_t n = 0;
    if (at < f->size) n = f->size - at < iovs[i].buf_len ? (size_t)(f->size - at) : iovs[i].buf_len;
    if (n) memcpy(iovs[i].buf, f->data + at, n);
    total += n;
    if (n < iovs[i].buf_len) break;
  }
  *nread = total;
  return 0;
}

__wasi_errno_t __wasi_fd_pwrite(__wasi_fd_t fd, const __wasi_ciovec_t *iovs, size_t iovs_len,
                                __wasi_filesize_t offset, __wasi_size_t *nwritten) {
  struct fd_entry *e = entry(fd);
  if (!e || !e->writable) return __WASI_ERRNO_BADF;
  if (fail_writes) return fail_writes;
  memfs_stats.writes++;
  struct inode *f = &inodes[e->ino];
  /* Linux's pwrite(2) on an O_APPEND descriptor appends, whatever the offset. */
  if (e->append) offset = f->size;
  size_t total = 0;
  for (size_t i = 0; i < iovs_len; i++) {
    int err = memfs_write(e->ino, iovs[i].buf, iovs[i].buf_len, offset + total);
    if (err) {
      if (total) break;
      return (__wasi_errno_t)err;
    }
    total += iovs[i].buf_len;
  }
  *nwritten = total;
  return 0;
}

__wasi_errno_t __wasi_fd_filestat_get(__wasi_fd_t fd, __wasi_filestat_t *buf) {
  struct fd_entry *e = entry(fd);
  if (!e) return __WASI_ERRNO_BADF;
  const struct inode *f = &inodes[e->ino];
  memset(buf, 0, sizeof *buf);
  buf->dev = 1;
  buf->ino = (uint64_t)e->ino + 1;
  buf->filetype = f->filetype;
  buf->nlink = 1;
  buf->size = f->size;
  return 0;
}

__wasi_errno_t __wasi_fd_fdstat_get(__wasi_fd_t fd, __wasi_fdstat_t *stat) {
  struct fd_entry *e = entry(fd);
  if (!e) return __WASI_ERRNO_BADF;
  memset(stat, 0, sizeof *stat);
  stat->fs_filetype = inodes[e->ino].filetype;
  stat->fs_flags = e->append ? __WASI_FDFLAGS_APPEND : 0;
  stat->fs_rights_base = __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_SYNC | __WASI_RIGHTS_FD_SEEK |
                         __WASI_RIGHTS_FD_FILESTAT_GET;
  if (e->readable) stat->fs_rights_base |= __WASI_RIGHTS_FD_READ;
  if (e->writable)
    stat->fs_rights_base |= __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE;
  return 0;
}

__wasi_errno_t __wasi_fd_filestat_set_size(__wasi_fd_t fd, __wasi_filesize_t size) {
  struct fd_entry *e = entry(fd);
  if (!e) return __WASI_ERRNO_BADF;
  /* Linux's ftruncate answers EINVAL, not EBADF, for a read-only descriptor. */
  if (!e->writable) return __WASI_ERRNO_INVAL;
  memfs_stats.truncates++;
  return (__wasi_errno_t)resize(&inodes[e->ino], size);
}

__wasi_errno_t __wasi_fd_datasync(__wasi_fd_t fd) {
  if (!entry(fd)) return __WASI_ERRNO_BADF;
  memfs_stats.syncs++;
  return 0;
}

__wasi_errno_t __wasi_fd_close(__wasi_fd_t fd) {
  struct fd_entry *e = entry(fd);
  if (!e) return __WASI_ERRNO_BADF;
  e->in_use = 0;
  return 0;
}

/* Moves from onto to, closing whatever to held; to may be unused, as in
 * anymmap's JavaScript host. */
__wasi_errno_t __wasi_fd_renumber(__wasi_fd_t from, __wasi_fd_t to) {
  struct fd_entry *e = entry(from);
  if (!e) return __WASI_ERRNO_BADF;
  if (from == to) return 0;
  struct fd_entry *old = entry(to);
  if (old) old->in_use = 0;
  e->num = to;
  return 0;
}
