#include <stdlib.h>
#include <string.h>

#include "posix.h"

/* What musl's program_invocation_name (and so err(3), warn(3)) reads: argv[0],
 * from WASI's arguments. Emscripten's is JavaScript glue that a standalone
 * program does not have, so err and warn failed to link. */
void _emscripten_get_progname(char *out, int len) {
  if (len <= 0) return;
  out[0] = 0;
  __wasi_size_t argc, size;
  if (__wasi_args_sizes_get(&argc, &size) || argc == 0) return;
  char **argv = malloc(argc * sizeof *argv);
  char *buf = malloc(size);
  if (argv && buf && !__wasi_args_get((uint8_t **)argv, (uint8_t *)buf)) {
    strncpy(out, argv[0], (size_t)len - 1);
    out[len - 1] = 0;
  }
  free(argv);
  free(buf);
}
