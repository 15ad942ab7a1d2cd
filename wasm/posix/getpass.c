#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* getpass failed to link (musl's returns NULL without /dev/tty). A program
 * has no controlling terminal to open, so this is glibc's getpass where
 * /dev/tty cannot be opened: the prompt goes to stderr, a line is read
 * from stdin without its newline, and end of input gives "". Echo cannot
 * be turned off (there is no termios): a password typed at a terminal is
 * shown (docs/c-programs.md). */

char *getpass(const char *prompt) {
  static char *buf;
  static size_t size;
  fputs(prompt, stderr);
  fflush(stderr);
  ssize_t n = getline(&buf, &size, stdin);
  if (!buf) return NULL;
  if (n < 0)
    buf[0] = '\0';
  else if (n > 0 && buf[n - 1] == '\n')
    buf[n - 1] = '\0';
  return buf;
}
