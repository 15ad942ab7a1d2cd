#include <signal.h>

#include "posix.h"

/* A write to a pipe or stream whose reader is gone: Linux sends SIGPIPE,
 * whose default action ends the program (a shell reports 141); `prog |
 * head -1` would otherwise run to its end, and `yes | head -1` never end.
 * Ignored, the write fails with EPIPE; a handler runs, then the write fails
 * with EPIPE (posix/raise.c). */
void __anymmap_sigpipe(void) {
  (void)raise(SIGPIPE);
}
