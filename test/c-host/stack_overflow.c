/* Recursion past Linux's 8 MiB stack: Linux kills the program with
 * SIGSEGV; under anymmap run it traps (139, as SIGSEGV). Either way the line after it
 * never prints, and no global was overwritten on the way down: a program
 * whose stack ran into its static data used to go on with corrupted
 * globals. 5 MiB of stack (more than Emscripten's default) is fine. */
/* corpus-runs: 80 | 400 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char table[4 << 20] = {1};

static long recurse(long depth, long max) {
  volatile char frame[64 * 1024];
  memset((char *)frame, 0xEE, sizeof frame);
  if (depth >= max) return frame[5];
  return recurse(depth + 1, max) + frame[depth % 1024];
}

int main(int argc, char **argv) {
  long frames = argc > 1 ? atol(argv[1]) : 0;
  memset(table, 'T', sizeof table);
  recurse(0, frames);
  long changed = 0;
  for (long i = 0; i < (long)sizeof table; i++) changed += table[i] != 'T';
  printf("%ld frames of 64 KiB, then %ld changed bytes of static data\n", frames, changed);
  return 0;
}
