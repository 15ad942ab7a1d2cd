/* fseek and ftell of stdout seek descriptor 1 after a flush, as on Linux:
 * ESPIPE on a pipe, and a hole in a regular file put in its place with
 * dup2. Emscripten's stdout answered every seek with 0 without moving, so
 * zstd --sparse -c > out wrote a file short of its holes, exit status 0. */
#include <fcntl.h>
#include <unistd.h>

#include "facts.h"

int main(void) {
  fputs("piped ", stdout);
  CALL("fseek stdout, a pipe", fseek(stdout, 10, SEEK_CUR));
  CALL("fseeko stdout, a pipe", fseeko(stdout, 0, SEEK_SET));
  CALL("ftell stdout, a pipe", ftell(stdout));
  CALL("ftello stdout, a pipe", ftello(stdout));

  /* From here on stdout is the file: the results go to stderr. */
  fflush(stdout);
  int fd = open("stdout_seek.out", O_RDWR | O_CREAT | O_TRUNC, 0644);
  dup2(fd, 1);
  fputs("abc", stdout);
  int hole = fseek(stdout, 10, SEEK_CUR);
  fputs("xyz", stdout);
  long at = ftell(stdout);
  int back = fseeko(stdout, 1, SEEK_SET);
  fputs("B", stdout);
  off_t end = (fseeko(stdout, 0, SEEK_END), ftello(stdout));
  fflush(stdout);

  fprintf(stderr, "file: fseek %d, ftell %ld, fseeko back %d, ftello at the end %lld\n", hole, at,
          back, (long long)end);
  unsigned char bytes[32];
  ssize_t n = pread(fd, bytes, sizeof bytes, 0);
  fprintf(stderr, "file: %zd bytes:", n);
  for (ssize_t i = 0; i < n; i++) fprintf(stderr, " %02x", bytes[i]);
  fprintf(stderr, "\n");
  close(fd);
  unlink("stdout_seek.out");
  return 0;
}
