/* isatty(3) of /dev/null and /dev/zero is 0 with ENOTTY on Linux: they are
 * character devices, not terminals. Emscripten's isatty took every
 * character device for a terminal, so pcre2test reading /dev/null printed
 * its interactive prompts ("  re> ") into RunTest's output. */
#include <fcntl.h>
#include <unistd.h>

#include "facts.h"

static void tty(const char *label, int fd) {
  errno = 0;
  int r = isatty(fd);
  printf("isatty %s: %d %s\n", label, r, errname(errno));
}

int main(void) {
  int null = open("/dev/null", O_RDWR);
  tty("/dev/null", null);
  tty("dup of /dev/null", dup(null));
  int zero = open("/dev/zero", O_RDONLY);
  tty("/dev/zero", zero);
  FILE *f = fopen("/dev/null", "r");
  tty("fopen /dev/null", fileno(f));
  printf("fgets /dev/null: %s\n", fgets((char[8]){0}, 8, f) ? "line" : "NULL");
  fclose(f);
  int file = open("isatty_dev.tmp", O_RDWR | O_CREAT | O_TRUNC, 0644);
  tty("a file", file);
  unlink("isatty_dev.tmp");
  int ends[2];
  pipe(ends);
  tty("a pipe", ends[0]);
  close(zero);
  tty("a closed descriptor", zero);
  return 0;
}
