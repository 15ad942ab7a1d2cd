/*
 * The operating system's mman calls for anymmap's native backend, as a plain
 * shared library (Deno FFI, bun:ffi) and inside the N-API addon (Node).
 *
 * Every call returns its result or -errno, so that callers over an FFI never
 * read a thread-local errno that the runtime may have changed in between.
 * Offsets and lengths are 64-bit on every path, so a file offset past 4 GiB
 * reaches the kernel exactly.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/magic.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#endif

#include "anymmap_native.h"

static int64_t fail(void) {
  return -(int64_t)errno;
}

int64_t anymmap_native_mmap(uint64_t addr, uint64_t len, int32_t prot, int32_t flags, int32_t fd,
                            int64_t off) {
  void *p = mmap((void *)(uintptr_t)addr, (size_t)len, prot, flags, fd, (off_t)off);
  if (p == MAP_FAILED) return fail();
  return (int64_t)(uintptr_t)p;
}

int32_t anymmap_native_munmap(uint64_t addr, uint64_t len) {
  return munmap((void *)(uintptr_t)addr, (size_t)len) ? (int32_t)fail() : 0;
}

int32_t anymmap_native_msync(uint64_t addr, uint64_t len, int32_t flags) {
  return msync((void *)(uintptr_t)addr, (size_t)len, flags) ? (int32_t)fail() : 0;
}

int32_t anymmap_native_madvise(uint64_t addr, uint64_t len, int32_t advice) {
  return madvise((void *)(uintptr_t)addr, (size_t)len, advice) ? (int32_t)fail() : 0;
}

int32_t anymmap_native_mincore(uint64_t addr, uint64_t len, uint8_t *vec) {
  return mincore((void *)(uintptr_t)addr, (size_t)len, (unsigned char *)vec) ? (int32_t)fail() : 0;
}

/*
 * Only what mmap can map: a FIFO, a socket or a character device (Linux's
 * mmap says ENODEV, except /dev/zero), and a /proc or /sys file (size 0,
 * ENODEV too) are refused here with ENODEV, as the WASM backend does.
 * O_NONBLOCK so that opening a FIFO never waits for a writer.
 * `info`, when not NULL, receives st_dev, st_ino and st_size (three
 * native-endian uint64s) from the fstat this call makes anyway, so that the
 * engine needs no other call to know which file it opened.
 */
int32_t anymmap_native_open(const char *path, int32_t flags, int32_t mode, uint8_t *info) {
  int fd = open(path, flags | O_CLOEXEC | O_NONBLOCK, (mode_t)mode);
  if (fd < 0) return (int32_t)fail();
  struct stat st;
  int err = fstat(fd, &st) ? errno : 0;
  if (!err && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && !S_ISBLK(st.st_mode)) err = ENODEV;
#ifdef __linux__
  /* proc and sysfs live on anonymous devices (major 0): a file on a disk needs no fstatfs. */
  struct statfs fs;
  if (!err && S_ISREG(st.st_mode) && major(st.st_dev) == 0 && fstatfs(fd, &fs) == 0 &&
      (fs.f_type == PROC_SUPER_MAGIC || fs.f_type == SYSFS_MAGIC))
    err = ENODEV;
#endif
  int nonblock_matters = 1;
#ifdef __linux__
  /* F_SETFL takes only the status flags (O_APPEND, O_NONBLOCK...) of its argument: those asked for,
   * without O_NONBLOCK. Linux ignores O_NONBLOCK on regular files (open(2)): they keep it and spare
   * the call (system calls are most of what mapping a small file costs). */
  nonblock_matters = !S_ISREG(st.st_mode);
#endif
  if (!err && !(flags & O_NONBLOCK) && nonblock_matters && fcntl(fd, F_SETFL, flags)) err = errno;
  if (err) {
    close(fd);
    return -(int32_t)err;
  }
  if (info != NULL) {
    uint64_t out[3] = {(uint64_t)st.st_dev, (uint64_t)st.st_ino, (uint64_t)st.st_size};
    memcpy(info, out, sizeof out);
  }
  return fd;
}

int32_t anymmap_native_close(int32_t fd) {
  return close(fd) ? (int32_t)fail() : 0;
}

/* An anonymous shared memory object: MAP_SHARED|MAP_ANONYMOUS memory that another thread can map
 * too. */
int32_t anymmap_native_memfd(void) {
  int fd = memfd_create("anymmap", MFD_CLOEXEC);
  return fd < 0 ? (int32_t)fail() : fd;
}

/*
 * dup of the descriptor a share handle names (attach): only a memfd this
 * library made, so that a forged handle cannot reach another descriptor of
 * the process (a file, a socket). F_GET_SEALS answers for memfds only; the
 * name, where /proc shows it, must be the one anymmap_native_memfd gives.
 */
int32_t anymmap_native_dup_memfd(int32_t fd) {
#ifdef F_GET_SEALS
  if (fcntl(fd, F_GET_SEALS) < 0) return -EBADF;
  char link[32], target[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", (int)fd);
  ssize_t n = readlink(link, target, sizeof target - 1);
  if (n >= 0) {
    target[n] = 0;
    if (strncmp(target, "/memfd:anymmap", 14) != 0 || (target[14] != ' ' && target[14] != 0))
      return -EBADF;
  }
  return anymmap_native_dup(fd);
#else
  (void)fd;
  return -EBADF;
#endif
}

int32_t anymmap_native_dup(int32_t fd) {
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  return copy < 0 ? (int32_t)fail() : copy;
}

/* O_ACCMODE bits of the descriptor: whether a shared mapping may be made writable. */
int32_t anymmap_native_access_mode(int32_t fd) {
  int flags = fcntl(fd, F_GETFL);
  return flags < 0 ? (int32_t)fail() : (flags & (O_ACCMODE | O_APPEND));
}

int64_t anymmap_native_pread(int32_t fd, uint8_t *buf, uint64_t count, int64_t off) {
  ssize_t n = pread(fd, buf, (size_t)count, (off_t)off);
  return n < 0 ? fail() : n;
}

int64_t anymmap_native_pwrite(int32_t fd, const uint8_t *buf, uint64_t count, int64_t off) {
  ssize_t n = pwrite(fd, buf, (size_t)count, (off_t)off);
  return n < 0 ? fail() : n;
}

int32_t anymmap_native_ftruncate(int32_t fd, int64_t len) {
  return ftruncate(fd, (off_t)len) ? (int32_t)fail() : 0;
}

/* Gives the bytes of [off, off+len) back (they read as zeros again); the size stays. */
int32_t anymmap_native_punch_hole(int32_t fd, int64_t off, int64_t len) {
  return fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len)
             ? (int32_t)fail()
             : 0;
}

int32_t anymmap_native_fsync(int32_t fd) {
  return fsync(fd) ? (int32_t)fail() : 0;
}

int64_t anymmap_native_fsize(int32_t fd) {
  struct stat st;
  if (fstat(fd, &st)) return fail();
  return (int64_t)st.st_size;
}

int32_t anymmap_native_page_size(void) {
  return (int32_t)sysconf(_SC_PAGESIZE);
}

/* The file's identity (st_dev, st_ino as two native-endian uint64s in out[0..16)): mappings of one
 * file share one descriptor. */
int32_t anymmap_native_identity(int32_t fd, uint8_t *out) {
  struct stat st;
  uint64_t id[2];
  if (fstat(fd, &st)) return (int32_t)fail();
  id[0] = (uint64_t)st.st_dev;
  id[1] = (uint64_t)st.st_ino;
  memcpy(out, id, sizeof id);
  return 0;
}

/*
 * Advisory locks that `anymmap run` takes on the host file for a WebAssembly
 * program, so that other processes see them: kind 0 is an fcntl record lock
 * over [start, start+len) (len 0: to the end of the file, as l_len), kind 1
 * is flock() of the whole file; type is F_RDLCK, F_WRLCK or F_UNLCK. Record
 * locks are open file description locks (F_OFD_*): the runner holds them on
 * one descriptor per file, so closing any other descriptor of the file in
 * this process cannot drop them, as it would drop process-associated locks.
 * wait blocks as F_SETLKW and flock without LOCK_NB do. 0 or -errno.
 */
int32_t anymmap_native_lock(int32_t fd, int32_t kind, int32_t type, int64_t start, int64_t len,
                            int32_t wait) {
  int r;
  if (type != F_RDLCK && type != F_WRLCK && type != F_UNLCK) return -EINVAL;
  if (kind == 1) {
    int op = type == F_RDLCK ? LOCK_SH : type == F_WRLCK ? LOCK_EX : LOCK_UN;
    do r = flock(fd, op | (wait ? 0 : LOCK_NB));
    while (r && errno == EINTR);
    return r ? (int32_t)fail() : 0;
  }
  if (kind != 0) return -EINVAL;
#ifdef F_OFD_SETLK
  struct flock fl = {.l_type = (short)type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
  do r = fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &fl);
  while (r && errno == EINTR);
  return r ? (int32_t)fail() : 0;
#else
  (void)fd, (void)start, (void)len, (void)wait;
  return -ENOTSUP;
#endif
}

/*
 * F_OFD_GETLK: whether another process (or another descriptor) holds a
 * record lock over [start, start+len) that type would conflict with. out
 * receives four int64s: l_type (F_UNLCK when none), l_start, l_len and l_pid
 * (-1 for an open file description lock). 0 or -errno.
 */
int32_t anymmap_native_getlk(int32_t fd, int32_t type, int64_t start, int64_t len, uint8_t *out) {
#ifdef F_OFD_GETLK
  struct flock fl = {.l_type = (short)type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
  if (fcntl(fd, F_OFD_GETLK, &fl)) return (int32_t)fail();
  int64_t v[4] = {fl.l_type, fl.l_start, fl.l_len, fl.l_pid};
  memcpy(out, v, sizeof v);
  return 0;
#else
  (void)fd, (void)type, (void)start, (void)len, (void)out;
  return -ENOTSUP;
#endif
}

/* The soft RLIMIT_NOFILE: how many descriptors the engine may keep for mapped files is a share of
 * it. */
int64_t anymmap_native_fd_limit(void) {
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit)) return fail();
  return limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur > INT32_MAX ? INT32_MAX
                                                                       : (int64_t)limit.rlim_cur;
}
