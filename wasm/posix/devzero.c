#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "posix.h"

/* /dev/zero and /dev/null, which no host directory provides: the host's
 * anymmap.fd_device(flags) opens one (src/wasi/pipe.ts; flags: 1 /dev/zero,
 * else /dev/null, 2 readable, 4 writable): the descriptor or -errno (WASI). */
int __anymmap_host_fd_device(int flags)
    __attribute__((__import_module__("anymmap"), __import_name__("fd_device")));

/* The names no host directory holds (guest paths), one table for open,
 * stat, lstat, fstatat, access and faccessat: /dev/null and /dev/zero, and
 * the names of the program's own descriptors (dev_fd.c), fd set to the
 * descriptor's number. */
enum { NAME_NONE = -1, NAME_NULL, NAME_ZERO, NAME_STDIO, NAME_FD };
static int special_name(const char *guest, int *fd) {
  static const char *const stdio[] = {"/dev/stdin", "/dev/stdout", "/dev/stderr"};
  if (!strcmp(guest, "/dev/null")) return NAME_NULL;
  if (!strcmp(guest, "/dev/zero")) return NAME_ZERO;
  for (int i = 0; i < 3; i++)
    if (!strcmp(guest, stdio[i])) {
      *fd = i;
      return NAME_STDIO;
    }
  const char *n = !strncmp(guest, "/dev/fd/", 8)          ? guest + 8
                  : !strncmp(guest, "/proc/self/fd/", 14) ? guest + 14
                                                          : NULL;
  /* Digits only, and no leading zero: /proc has no entry "01". */
  if (!n || *n < '0' || *n > '9' || (n[0] == '0' && n[1])) return NAME_NONE;
  char *end;
  long v = strtol(n, &end, 10);
  if (*end || v > INT_MAX) return NAME_NONE;
  *fd = (int)v;
  return NAME_FD;
}

int __anymmap_open_device(const char *guest, int flags) {
  int named, kind = special_name(guest, &named);
  if (kind == NAME_NONE) return -ENOENT;
  if (kind >= NAME_STDIO) return __anymmap_open_fd_name(named, flags);
  int zero = kind == NAME_ZERO;
  if (flags & O_DIRECTORY) return -ENOTDIR;
  if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) return -EEXIST;
  int access = flags & O_ACCMODE;
  if (access != O_RDONLY && access != O_WRONLY && access != O_RDWR) return -EINVAL;
  int fd =
      __anymmap_host_fd_device(zero | (access != O_WRONLY ? 2 : 0) | (access != O_RDONLY ? 4 : 0));
  if (fd < 0) return fd;
  __anymmap_ofd_new(fd);
  __anymmap_cloexec_set(fd, (flags & O_CLOEXEC) != 0);
  __anymmap_dev_zero_set(fd, zero);
  return fd;
}

/* stat, lstat and access of /dev/null and /dev/zero found nothing (ENOENT)
 * though open found them, so diff - /dev/null (diffutils' own tests) said
 * "/dev/null: No such file or directory": the host's device, opened for
 * reading and closed again, answers for its name. The descriptors' names
 * answer as dev_fd.c says. */
int __anymmap_special_stat(int dirfd, const char *path, int follow, struct stat *st) {
  char guest[ANYMMAP_PATH_MAX];
  if (!path || path[0] != '/' || __anymmap_guest_path(dirfd, path, guest)) return ENOENT;
  int fd, kind = special_name(guest, &fd);
  if (kind == NAME_NONE) return ENOENT;
  if (kind >= NAME_STDIO) return __anymmap_fd_name_stat(fd, kind == NAME_STDIO, follow, st);
  fd = __anymmap_host_fd_device((kind == NAME_ZERO) | 2);
  if (fd < 0) return -fd;
  __wasi_filestat_t w;
  int err = __wasi_fd_filestat_get(fd, &w);
  (void)__wasi_fd_close(fd);
  if (!err) __anymmap_stat_from_wasi(&w, st);
  return err;
}

/* As on Linux, a mapping of /dev/zero is anonymous zero memory (shared or
 * private); the offset is checked as a file mapping's and then ignored. */
void *__real_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);

void *__wrap_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset) {
  if (fd >= 0 && !(flags & MAP_ANONYMOUS) && __anymmap_dev_zero(fd)) {
    __wasi_fdstat_t fs;
    int err = (offset & 4095) ? EINVAL : __wasi_fd_fdstat_get(fd, &fs);
    /* Linux's checks for a file: readable, and writable for a writable shared mapping. */
    if (!err && (!(fs.fs_rights_base & __WASI_RIGHTS_FD_READ) ||
                 ((flags & MAP_SHARED) && (prot & PROT_WRITE) &&
                  !(fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE))))
      err = EACCES;
    if (err) {
      errno = err;
      return MAP_FAILED;
    }
    return __real_mmap(addr, length, prot, flags | MAP_ANONYMOUS, -1, 0);
  }
  return __real_mmap(addr, length, prot, flags, fd, offset);
}
