#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "posix.h"

/* WASI reports no permission bits, so R_OK and W_OK are answered by opening
 * the file that way (and closing it again), and X_OK holds for directories
 * only. */
int faccessat(int dirfd, const char *path, int amode, int flags) {
  if (amode & ~(R_OK | W_OK | X_OK)) return __anymmap_ret(EINVAL);
  if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW)) return __anymmap_ret(EINVAL);
  char rel[ANYMMAP_PATH_MAX];
  int dir, err = __anymmap_resolve(dirfd, path, &dir, rel);
  /* /dev/zero, /dev/null (unless a --dir provides /dev): readable and writable by everyone, as
   * Linux's 0666 devices, and not executable. The descriptors' names (/dev/stdout, /dev/fd/N):
   * what they name, taken as readable and writable (WASI reports no permission bits; Linux checks
   * the file's, which its owner mostly has), executable if it is a directory. */
  if (err == ENOENT) {
    struct stat named;
    err = __anymmap_special_stat(dirfd, path, 1, &named);
    if (!err && (amode & X_OK) && !S_ISDIR(named.st_mode)) err = EACCES;
    return err ? __anymmap_ret(err) : 0;
  }
  if (err) return __anymmap_ret(err);
  __wasi_filestat_t st;
  __wasi_lookupflags_t lookup =
      (flags & AT_SYMLINK_NOFOLLOW) ? 0 : __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;
  err = __wasi_path_filestat_get(dir, lookup, rel, strlen(rel), &st);
  if (err) return __anymmap_ret(err);
  if (st.filetype == __WASI_FILETYPE_DIRECTORY || !(amode & (R_OK | W_OK | X_OK))) return 0;
  if (amode & X_OK) return __anymmap_ret(EACCES);
  __wasi_rights_t rights =
      ((amode & R_OK) ? __WASI_RIGHTS_FD_READ : 0) | ((amode & W_OK) ? __WASI_RIGHTS_FD_WRITE : 0);
  __wasi_fd_t fd;
  err = __wasi_path_open(dir, lookup, rel, strlen(rel), 0, rights, 0, 0, &fd);
  if (err) return __anymmap_ret(err);
  (void)__wasi_fd_close(fd);
  return 0;
}
