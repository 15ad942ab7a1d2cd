#include <errno.h>
#include <signal.h>

#include "posix.h"

/* sigaltstack failed to link. The stack is kept, with Linux's checks, so
 * that sigaltstack(NULL, &old) says what was set and gnulib's c-stack (m4,
 * diffutils) and others that register one link and go on. No handler ever
 * runs on it: signals arrive at the program's own calls (raise, kill, the
 * alarm timer), on its own stack, and a stack overflow traps (status 139)
 * instead of raising SIGSEGV, so SS_ONSTACK is never reported
 * (docs/c-programs.md). */

static stack_t current = {.ss_sp = 0, .ss_flags = SS_DISABLE, .ss_size = 0};

int sigaltstack(const stack_t *restrict ss, stack_t *restrict old) {
  if (ss) {
    int mode = ss->ss_flags & ~SS_AUTODISARM;
    if (mode != 0 && mode != SS_ONSTACK && mode != SS_DISABLE) return __anymmap_ret(EINVAL);
    if (mode != SS_DISABLE && ss->ss_size < MINSIGSTKSZ) return __anymmap_ret(ENOMEM);
  }
  if (old) *old = current;
  if (ss) {
    if ((ss->ss_flags & ~SS_AUTODISARM) == SS_DISABLE) {
      current.ss_sp = 0;
      current.ss_size = 0;
      current.ss_flags = SS_DISABLE;
    } else {
      current.ss_sp = ss->ss_sp;
      current.ss_size = ss->ss_size;
      current.ss_flags = ss->ss_flags & SS_AUTODISARM;
    }
  }
  return 0;
}
