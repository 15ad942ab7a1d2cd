/*
 * libc's own WASI fd_read/fd_write (Emscripten's stdio, readv and writev
 * call __wasi_fd_read/__wasi_fd_write directly): defined here, they take
 * the program's calls instead of the host's imports, so that fread, fwrite,
 * fflush, readv and writev on a file are coherent with MAP_SHARED mappings.
 * This file must not include <wasi/api.h>, which declares both names as
 * imports.
 */
#include <stddef.h>
#include <stdint.h>

int __anymmap_readv(int fd, const void *iovs, size_t n, size_t *done);
int __anymmap_writev(int fd, const void *iovs, size_t n, size_t *done);

uint16_t __wasi_fd_read(uint32_t fd, const void *iovs, size_t iovs_len, uint32_t *nread) {
  size_t done;
  int err = __anymmap_readv((int)fd, iovs, iovs_len, &done);
  *nread = (uint32_t)done;
  return (uint16_t)err;
}

uint16_t __wasi_fd_write(uint32_t fd, const void *iovs, size_t iovs_len, uint32_t *nwritten) {
  size_t done;
  int err = __anymmap_writev((int)fd, iovs, iovs_len, &done);
  *nwritten = (uint32_t)done;
  return (uint16_t)err;
}
