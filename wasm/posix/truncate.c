#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "anymmap.h"
#include "posix.h"

/* truncate(2): the file is opened for writing and cut through anymmap's
 * ftruncate, so that MAP_SHARED mappings of it agree, then closed without
 * close(), which would drop the process's locks on the file (truncate(2)
 * keeps them). */
int truncate(const char *path, off_t length) {
  if (length < 0) return __anymmap_ret(EINVAL);
  char rel[ANYMMAP_PATH_MAX];
  int dir, err = __anymmap_resolve(AT_FDCWD, path, &dir, rel);
  if (err) return __anymmap_ret(err);
  __wasi_rights_t rights = __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE |
                           __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_READ;
  __wasi_fd_t fd;
  err = __wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, rel, strlen(rel), 0, rights,
                         rights, 0, &fd);
  /* A file this process may only write is opened without read. */
  if (err == __WASI_ERRNO_ACCES)
    err =
        __wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, rel, strlen(rel), 0,
                         rights & ~__WASI_RIGHTS_FD_READ, rights & ~__WASI_RIGHTS_FD_READ, 0, &fd);
  if (err) return __anymmap_ret(err == __WASI_ERRNO_NOTCAPABLE ? EACCES : err);
  int r = anymmap_ftruncate((int)fd, length);
  int saved = errno;
  anymmap_close((int)fd);
  errno = saved;
  return r;
}
