#include <unistd.h>

#include "posix.h"

/* isatty(3): a terminal is a character device that cannot seek, as
 * wasi-libc's isatty decides. Emscripten's took every character device
 * for a terminal, so /dev/null and /dev/zero were terminals (Linux: 0,
 * ENOTTY) and pcre2test reading /dev/null printed its prompts. The host
 * gives those two the seek right (src/wasi/fd-calls.ts fdFdstatGet). */
int isatty(int fd) {
  __wasi_fdstat_t fs;
  int err = __wasi_fd_fdstat_get(fd, &fs);
  if (!err && (fs.fs_filetype != __WASI_FILETYPE_CHARACTER_DEVICE ||
               (fs.fs_rights_base & __WASI_RIGHTS_FD_SEEK)))
    err = ENOTTY;
  return __anymmap_ret(err) == 0;
}
