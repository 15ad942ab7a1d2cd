/*
 * <dirent.h> over WASI fd_readdir (musl's versions read Linux's getdents,
 * which Emscripten's standalone libc does not have). The whole DIR family is
 * here, since musl's members would read its own DIR layout.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "posix.h"

#define DIRENT_HEADER 24 /* WASI dirent: d_next u64, d_ino u64, d_namlen u32, d_type u8 */

struct __dirstream {
  int fd;
  __wasi_dircookie_t cookie; /* where the buffer was read from */
  __wasi_dircookie_t next;   /* d_next of the last entry returned */
  size_t pos, used;
  int eof;
  struct dirent entry;
  unsigned char buf[8192];
};

static unsigned char dtype(__wasi_filetype_t t) {
  switch (t) {
    case __WASI_FILETYPE_BLOCK_DEVICE:
      return DT_BLK;
    case __WASI_FILETYPE_CHARACTER_DEVICE:
      return DT_CHR;
    case __WASI_FILETYPE_DIRECTORY:
      return DT_DIR;
    case __WASI_FILETYPE_REGULAR_FILE:
      return DT_REG;
    case __WASI_FILETYPE_SOCKET_DGRAM:
    case __WASI_FILETYPE_SOCKET_STREAM:
      return DT_SOCK;
    case __WASI_FILETYPE_SYMBOLIC_LINK:
      return DT_LNK;
    default:
      return DT_UNKNOWN;
  }
}

DIR *fdopendir(int fd) {
  __wasi_fdstat_t fs;
  int err = __wasi_fd_fdstat_get(fd, &fs);
  if (err) return __anymmap_ret(err), NULL;
  if (fs.fs_filetype != __WASI_FILETYPE_DIRECTORY) return __anymmap_ret(ENOTDIR), NULL;
  DIR *d = calloc(1, sizeof *d);
  if (!d) return NULL;
  d->fd = fd;
  return d;
}

DIR *opendir(const char *path) {
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return NULL;
  DIR *d = fdopendir(fd);
  if (!d) {
    int e = errno;
    close(fd);
    errno = e;
  }
  return d;
}

int closedir(DIR *d) {
  int r = close(d->fd);
  free(d);
  return r;
}

int dirfd(DIR *d) {
  return d->fd;
}

static int fill(DIR *d, __wasi_dircookie_t from) {
  __wasi_size_t used;
  int err = __wasi_fd_readdir(d->fd, d->buf, sizeof d->buf, from, &used);
  if (err) return err;
  d->cookie = from;
  d->pos = 0;
  d->used = used;
  d->eof = used < sizeof d->buf;
  return 0;
}

struct dirent *readdir(DIR *d) {
  for (;;) {
    if (d->pos + DIRENT_HEADER <= d->used) {
      __wasi_dirent_t w;
      memcpy(&w, d->buf + d->pos, sizeof w);
      if (d->pos + DIRENT_HEADER + w.d_namlen <= d->used) {
        size_t n = w.d_namlen < sizeof d->entry.d_name ? w.d_namlen : sizeof d->entry.d_name - 1;
        d->entry.d_ino = w.d_ino;
        d->entry.d_off = (off_t)w.d_next;
        d->entry.d_reclen = sizeof d->entry;
        d->entry.d_type = dtype(w.d_type);
        memcpy(d->entry.d_name, d->buf + d->pos + DIRENT_HEADER, n);
        d->entry.d_name[n] = 0;
        d->pos += DIRENT_HEADER + w.d_namlen;
        d->next = w.d_next;
        return &d->entry;
      }
    }
    /* The buffer is used up or ends in a partial entry: read on from the
     * last whole one, unless the host said that was all. */
    if (d->used && d->eof) return NULL;
    int err = fill(d, d->used ? d->next : d->cookie);
    if (err) {
      errno = err;
      return NULL;
    }
    if (d->used == 0) return NULL;
  }
}

int readdir_r(DIR *d, struct dirent *entry, struct dirent **result) {
  int saved = errno;
  errno = 0;
  struct dirent *e = readdir(d);
  int err = errno;
  errno = saved;
  if (err) return err;
  if (e) memcpy(entry, e, sizeof *entry);
  *result = e ? entry : NULL;
  return 0;
}

void rewinddir(DIR *d) {
  d->cookie = d->next = 0;
  d->pos = d->used = 0;
  d->eof = 0;
}

long telldir(DIR *d) {
  return (long)d->next;
}

void seekdir(DIR *d, long at) {
  d->cookie = d->next = (__wasi_dircookie_t)at;
  d->pos = d->used = 0;
  d->eof = 0;
}
