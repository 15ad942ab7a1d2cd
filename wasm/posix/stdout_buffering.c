#include <stdio.h>
#include <unistd.h>

/* Emscripten's stdout FILE skips musl's terminal check, so stdout was line
 * buffered wherever it went: a program printing to a pipe or a file made
 * one host write per line, and a program killed or crashed left more
 * output behind than on Linux. glibc and musl buffer stdout fully unless it
 * is a terminal, glibc in st_blksize pieces (4096); so here, before any
 * constructor of the program's. */
static char buffer[4096 + 8]; /* + musl's UNGET room */

__attribute__((constructor(101))) static void buffer_stdout(void) {
  if (!isatty(STDOUT_FILENO)) setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
}
