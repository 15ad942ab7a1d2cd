#include <fcntl.h>
#include <string.h>

#include "posix.h"

/* The working directory: a guest path inside the preopened directories
 * (resolve.c), which relative paths start from. WASI has none, and
 * Emscripten's getcwd/chdir/fchdir syscalls are ENOSYS. These are the
 * syscalls musl's getcwd, chdir and fchdir make: -errno or the result. */

/* getcwd(2): the length with the NUL. The working directory's absolute name
 * needs an absolute preopen of the directory "." is (`--dir HOST:.` and
 * `--dir HOST:/abs`); without one, ENOENT, Linux's answer for a working
 * directory that cannot be reached from the root. */
long __syscall_getcwd(long buf, long size) {
  char abs[ANYMMAP_PATH_MAX];
  int err = __anymmap_cwd_get(abs);
  if (err) return -err;
  size_t n = strlen(abs) + 1;
  if (n > (size_t)size) return -ERANGE;
  memcpy((char *)buf, abs, n);
  return (long)n;
}

/* Makes guest (a directory reached from dir/rel) the working directory. A
 * relative guest path climbing out of "." (cd .. from the start) becomes
 * absolute when "." has an absolute name. */
static long enter(const char *guest) {
  char abs[ANYMMAP_PATH_MAX];
  if (guest[0] != '/' && guest[0] == '.' && guest[1] == '.' && (guest[2] == '/' || !guest[2]) &&
      !__anymmap_absolute(guest, abs))
    guest = abs;
  char rel[ANYMMAP_PATH_MAX];
  int dir, err = __anymmap_resolve_guest(guest, &dir, rel);
  if (err) return -err;
  __wasi_filestat_t st;
  err = __wasi_path_filestat_get(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, rel, strlen(rel), &st);
  if (err) return -(err == __WASI_ERRNO_NOTCAPABLE ? EACCES : err);
  if (st.filetype != __WASI_FILETYPE_DIRECTORY) return -ENOTDIR;
  __anymmap_cwd_set(guest);
  return 0;
}

long __syscall_chdir(long path) {
  char guest[ANYMMAP_PATH_MAX];
  int err = __anymmap_guest_path(AT_FDCWD, (const char *)path, guest);
  return err ? -err : enter(guest);
}

long __syscall_fchdir(long fd) {
  __wasi_fdstat_t fs;
  int err = __wasi_fd_fdstat_get((__wasi_fd_t)fd, &fs);
  if (err) return -err;
  if (fs.fs_filetype != __WASI_FILETYPE_DIRECTORY) return -ENOTDIR;
  char guest[ANYMMAP_PATH_MAX];
  err = __anymmap_fd_path((int)fd, guest);
  return err ? -err : enter(guest);
}
