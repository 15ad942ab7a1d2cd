/*
 * Linked into both builds of LMDB's test programs (not a change to their
 * sources): mtest*.c seed rand() with time(NULL), and glibc's and musl's
 * rand() differ anyway. With a fixed clock and one LCG the native and the
 * WebAssembly build make the same random choices, so their outputs can be
 * compared byte for byte.
 */
#include <stdlib.h>
#include <time.h>

static unsigned long long state = 1;

time_t time(time_t *t) {
  if (t) *t = 1700000000;
  return 1700000000;
}

void srand(unsigned seed) {
  state = seed;
}

int rand(void) {
  state = state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (int)((state >> 33) & 0x7fffffff);
}
