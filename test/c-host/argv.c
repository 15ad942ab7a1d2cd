/* Prints its arguments, one per line: test/wasi-dirs.test.ts checks that
 * everything after the program reaches it as given. */
#include <stdio.h>

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) printf("[%s]\n", argv[i]);
  return 0;
}
