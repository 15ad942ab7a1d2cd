#include <fcntl.h>
#include <stdint.h>

#include "anymmap.h"
#include "posix.h"

/* fallocate(2), what posix_fallocate calls (Emscripten: ENOSYS). Nothing
 * is reserved ahead on the host; what Linux guarantees a program can see is
 * the size: mode 0 grows the file to offset + len (zeros, through
 * anymmap_ftruncate, coherent with mappings), FALLOC_FL_KEEP_SIZE leaves
 * it. -errno or 0, checked in Linux's order. */
long __syscall_fallocate(long fd, long mode, long off_low, long off_high, long len_low,
                         long len_high) {
  int64_t offset = (int64_t)(((uint64_t)(uint32_t)off_high << 32) | (uint32_t)off_low);
  int64_t len = (int64_t)(((uint64_t)(uint32_t)len_high << 32) | (uint32_t)len_low);
  __wasi_fdstat_t fs;
  int err = __wasi_fd_fdstat_get((__wasi_fd_t)fd, &fs);
  if (err) return -err;
  if (offset < 0 || len <= 0) return -EINVAL;
  if (mode & ~FALLOC_FL_KEEP_SIZE) return -EOPNOTSUPP;
  if (!(fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE)) return -EBADF;
  if (fs.fs_filetype == __WASI_FILETYPE_UNKNOWN) return -ESPIPE; /* a pipe (S_IFIFO) */
  if (fs.fs_filetype == __WASI_FILETYPE_DIRECTORY) return -EISDIR;
  if (fs.fs_filetype != __WASI_FILETYPE_REGULAR_FILE) return -ENODEV;
  if (offset > INT64_MAX - len) return -EFBIG;
  if (mode & FALLOC_FL_KEEP_SIZE) return 0;
  __wasi_filestat_t st;
  err = __wasi_fd_filestat_get((__wasi_fd_t)fd, &st);
  if (err) return -err;
  if ((uint64_t)(offset + len) <= st.size) return 0;
  return anymmap_ftruncate((int)fd, offset + len) ? -errno : 0;
}
