#include <string.h>

#include "posix.h"

void __anymmap_stat_from_wasi(const __wasi_filestat_t *w, struct stat *st) {
  /* WASI reports no permission bits: the usual ones stand in for them. */
  static const mode_t modes[] = {
      [__WASI_FILETYPE_UNKNOWN] = S_IFIFO | 0644,
      [__WASI_FILETYPE_BLOCK_DEVICE] = S_IFBLK | 0660,
      [__WASI_FILETYPE_CHARACTER_DEVICE] = S_IFCHR | 0620,
      [__WASI_FILETYPE_DIRECTORY] = S_IFDIR | 0755,
      [__WASI_FILETYPE_REGULAR_FILE] = S_IFREG | 0644,
      [__WASI_FILETYPE_SOCKET_DGRAM] = S_IFSOCK | 0755,
      [__WASI_FILETYPE_SOCKET_STREAM] = S_IFSOCK | 0755,
      [__WASI_FILETYPE_SYMBOLIC_LINK] = S_IFLNK | 0777,
  };
  memset(st, 0, sizeof *st);
  st->st_dev = w->dev;
  st->st_ino = w->ino;
  st->st_mode = w->filetype < sizeof modes / sizeof modes[0] ? modes[w->filetype] : S_IFREG | 0644;
  st->st_nlink = w->nlink;
  st->st_size = (off_t)w->size;
  st->st_blksize = 4096;
  st->st_blocks = (blkcnt_t)((w->size + 511) / 512);
  st->st_atim.tv_sec = (time_t)(w->atim / 1000000000u);
  st->st_atim.tv_nsec = (long)(w->atim % 1000000000u);
  st->st_mtim.tv_sec = (time_t)(w->mtim / 1000000000u);
  st->st_mtim.tv_nsec = (long)(w->mtim % 1000000000u);
  st->st_ctim.tv_sec = (time_t)(w->ctim / 1000000000u);
  st->st_ctim.tv_nsec = (long)(w->ctim % 1000000000u);
}
