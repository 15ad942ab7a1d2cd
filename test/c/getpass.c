/* getpass failed to link. Without a terminal to open (the gcc build leaves
 * its session first, so that /dev/tty cannot be opened even when the tests
 * run from one), glibc prompts on stderr and reads stdin: a line without
 * its newline, a line without a newline at the end of input, then "" at
 * the end. stdin is a pipe the program fills itself. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <unistd.h>

#include "facts.h"

int main(void) {
#ifndef __EMSCRIPTEN__
  setsid();
#endif
  int fds[2];
  CALL("pipe", pipe(fds));
  const char text[] = "secret\nsecond one\nlast";
  CALL("write", write(fds[1], text, sizeof text - 1));
  close(fds[1]);
  CALL("dup2", dup2(fds[0], 0));
  close(fds[0]);
  for (int i = 0; i < 4; i++) {
    char *p = getpass("Password: ");
    if (p)
      printf("getpass %d: \"%s\"\n", i, p);
    else
      printf("getpass %d: NULL\n", i);
    fflush(stdout);
  }
  return 0;
}
