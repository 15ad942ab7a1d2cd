#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

/* Emscripten's stdout FILE has a seek function that answers 0 without
 * moving, so fseek(stdout) "succeeded" on a pipe or a redirected file:
 * zstd --sparse -c > out skipped its holes with fseek and wrote a file
 * short of them, exit status 0. Here stdout seeks descriptor 1 after a
 * flush, as musl's own streams do: ESPIPE where descriptor 1 cannot seek
 * (anymmap's stdout, as a pipe on Linux), the new position where it can.
 * Every other stream goes to libc. */
int __real_fseeko(FILE *f, off_t offset, int whence);
int __real_fseek(FILE *f, long offset, int whence);
off_t __real_ftello(FILE *f);
long __real_ftell(FILE *f);

static int seek_stdout(off_t offset, int whence) {
  if (fflush(stdout) != 0) return -1;
  return lseek(fileno(stdout), offset, whence) < 0 ? -1 : 0;
}

static off_t tell_stdout(void) {
  if (fflush(stdout) != 0) return -1;
  return lseek(fileno(stdout), 0, SEEK_CUR);
}

int __wrap_fseeko(FILE *f, off_t offset, int whence) {
  return f == stdout ? seek_stdout(offset, whence) : __real_fseeko(f, offset, whence);
}

int __wrap_fseek(FILE *f, long offset, int whence) {
  return f == stdout ? seek_stdout(offset, whence) : __real_fseek(f, offset, whence);
}

off_t __wrap_ftello(FILE *f) {
  return f == stdout ? tell_stdout() : __real_ftello(f);
}

long __wrap_ftell(FILE *f) {
  if (f != stdout) return __real_ftell(f);
  off_t at = tell_stdout();
  if (at > LONG_MAX) {
    errno = EOVERFLOW;
    return -1;
  }
  return (long)at;
}
