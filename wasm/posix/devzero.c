#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>

#include "posix.h"

/* /dev/zero and /dev/null, which no host directory provides: the host's
 * anymmap.fd_device(flags) opens one (src/wasi/pipe.ts; flags: 1 /dev/zero,
 * else /dev/null, 2 readable, 4 writable): the descriptor or -errno (WASI). */
int __anymmap_host_fd_device(int flags)
    __attribute__((__import_module__("anymmap"), __import_name__("fd_device")));

/* 1 for /dev/zero, 0 for /dev/null, -1 for any other guest path. */
static int device_of(const char *guest) {
  return !strcmp(guest, "/dev/zero") ? 1 : !strcmp(guest, "/dev/null") ? 0 : -1;
}

int __anymmap_open_device(const char *guest, int flags) {
  int named = __anymmap_open_fd_name(guest, flags);
  if (named != -ENOENT) return named;
  int zero = device_of(guest);
  if (zero < 0) return -ENOENT;
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
 * reading and closed again, answers for its name. */
int __anymmap_device_filestat(int dirfd, const char *path, __wasi_filestat_t *st) {
  char guest[ANYMMAP_PATH_MAX];
  if (!path || path[0] != '/' || __anymmap_guest_path(dirfd, path, guest)) return ENOENT;
  int zero = device_of(guest);
  if (zero < 0) return ENOENT;
  int fd = __anymmap_host_fd_device(zero | 2);
  if (fd < 0) return -fd;
  int err = __wasi_fd_filestat_get(fd, st);
  (void)__wasi_fd_close(fd);
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
