/*
 * rand() and srand() with one sequence on glibc and in WebAssembly, linked
 * into both builds of a program whose tests draw their data from rand()
 * seeded with time(NULL) (LMDB's mtest*.c): the seed is ignored, so the
 * native and the anymmap build insert, delete and print the same keys.
 * glibc's and musl's rand() differ, and a time seed differs per run.
 */
#include <stdlib.h>

static unsigned long long state = 1;

void srand(unsigned seed) {
  (void)seed;
  state = 1;
}

int rand(void) {
  state = state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (int)(state >> 33);
}
