#include <signal.h>
#include <stdlib.h>

#include "posix.h"

extern struct sigaction __sig_actions[_NSIG];

/* A write to a pipe or stream whose reader is gone: Linux sends SIGPIPE,
 * whose default action ends the program (a shell reports 141); `prog |
 * head -1` would otherwise run to its end, and `yes | head -1` never end.
 * Ignored, the write fails with EPIPE; a handler runs, then the write fails
 * with EPIPE. The runner writes dirty MAP_SHARED pages back after _Exit, as
 * Linux's page cache keeps them. */
void __anymmap_sigpipe(void) {
  const struct sigaction *a = &__sig_actions[SIGPIPE];
  if (!(a->sa_flags & SA_SIGINFO) && a->sa_handler == SIG_DFL) _Exit(128 + SIGPIPE);
  raise(SIGPIPE);
}
