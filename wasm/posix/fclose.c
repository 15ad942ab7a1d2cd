#include <stdio.h>
#include <unistd.h>

/* Emscripten's stdout has a close function that closes nothing, so after
 * fclose(stdout) descriptor 1 stayed open: write(1) still printed and the
 * next open() did not get 1, as daemons and redirecting programs expect.
 * Here fclose(stdout) closes it, as with every other stream. */
int __real_fclose(FILE *f);

int __wrap_fclose(FILE *f) {
  int fd = f == stdout ? fileno(f) : -1;
  int r = __real_fclose(f);
  if (fd >= 0 && close(fd) != 0) r = EOF;
  return r;
}
