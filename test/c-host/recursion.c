/* Recursion 200,000 calls deep, which Linux's 8 MiB stack allows: under
 * anymmap run in Node it trapped at about 30,000 (every WebAssembly frame
 * lives on the engine's own stack too), until the runner moved to a thread
 * with a 64 MiB stack (src/runtime/node/cli.ts). */
#include <stdio.h>
#include <stdlib.h>

static int depth(int n, int max) {
  volatile int pad = n;
  if (n >= max) return pad;
  return depth(n + 1, max) + (pad & 1);
}

int main(int argc, char **argv) {
  int max = argc > 1 ? atoi(argv[1]) : 200000;
  printf("%d calls deep: %s\n", max, depth(0, max) >= 0 ? "ok" : "?");
  return 0;
}
