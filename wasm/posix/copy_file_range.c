#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "posix.h"

/* Emscripten has no copy_file_range: a copy through a buffer with the
 * coherent pread/pwrite, with Linux's checks (both regular files, flags 0,
 * no O_APPEND output, no overlap within one file). */
ssize_t copy_file_range(int fd_in, off_t *off_in, int fd_out, off_t *off_out, size_t len,
                        unsigned flags) {
  struct stat in_st, out_st;
  if (flags) return __anymmap_ret(EINVAL);
  if (fstat(fd_in, &in_st) < 0 || fstat(fd_out, &out_st) < 0) return -1;
  if (S_ISDIR(in_st.st_mode) || S_ISDIR(out_st.st_mode)) return __anymmap_ret(EISDIR);
  if (!S_ISREG(in_st.st_mode) || !S_ISREG(out_st.st_mode)) return __anymmap_ret(EINVAL);
  int out_flags = fcntl(fd_out, F_GETFL);
  if (out_flags >= 0 && (out_flags & O_APPEND)) return __anymmap_ret(EBADF);
  off_t in_at = off_in ? *off_in : lseek(fd_in, 0, SEEK_CUR);
  off_t out_at = off_out ? *off_out : lseek(fd_out, 0, SEEK_CUR);
  if (in_at < 0 || out_at < 0) return -1;
  if (in_st.st_dev == out_st.st_dev && in_st.st_ino == out_st.st_ino &&
      in_at < out_at + (off_t)len && out_at < in_at + (off_t)len)
    return __anymmap_ret(EINVAL);
  char buf[16384];
  size_t total = 0;
  while (total < len) {
    size_t want = len - total < sizeof buf ? len - total : sizeof buf;
    ssize_t r = pread(fd_in, buf, want, in_at + (off_t)total);
    if (r < 0) {
      if (total) break;
      return -1;
    }
    if (r == 0) break;
    ssize_t w = pwrite(fd_out, buf, (size_t)r, out_at + (off_t)total);
    if (w < 0) {
      if (total) break;
      return -1;
    }
    total += (size_t)w;
    if (w < r) break;
  }
  if (off_in)
    *off_in += (off_t)total;
  else
    (void)lseek(fd_in, in_at + (off_t)total, SEEK_SET);
  if (off_out)
    *off_out += (off_t)total;
  else
    (void)lseek(fd_out, out_at + (off_t)total, SEEK_SET);
  return (ssize_t)total;
}
