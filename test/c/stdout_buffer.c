/* stdout to a pipe or a file is fully buffered, as glibc and musl have it
 * (Emscripten's was line buffered wherever it went): a line printed before
 * _exit never comes out, unless the program asked for line buffering or
 * flushed. stderr is unbuffered. */
/* corpus-runs: | line | flush */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "line") == 0) setvbuf(stdout, NULL, _IOLBF, 0);
  printf("a whole line, %s\n", *mode ? mode : "buffered");
  if (strcmp(mode, "flush") == 0) fflush(stdout);
  fprintf(stderr, "stderr: unbuffered\n");
  _exit(0);
}
