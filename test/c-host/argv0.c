/* Prints argv[0] and the program name err(3) uses: test/wasi-dirs.test.ts
 * checks that `anymmap run --argv0 NAME` gives NAME, as multi-call
 * programs (zstdcat, busybox) need. */
#include <errno.h>
#include <stdio.h>

extern char *program_invocation_short_name;

int main(int argc, char **argv) {
  (void)argc;
  printf("argv[0] %s\nshort name %s\n", argv[0], program_invocation_short_name);
  return 0;
}
