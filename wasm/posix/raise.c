#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "posix.h"

extern struct sigaction __sig_actions[_NSIG];
extern sigset_t __sig_pending;
bool __sig_is_blocked(int sig);

/* raise(3) with Linux's actions. Emscripten's did nothing for a signal
 * left at SIG_DFL, so raise(SIGTERM) returned 0 and the program went on;
 * its handlers ran with the signal unblocked and ignored SA_RESETHAND, and
 * raise(100) read past the table of actions. A program is one thread and
 * nothing else signals it, so raise is the only way a signal arrives
 * (kill of the program's own pid goes through it, posix/kill.c). */

/* The signals whose default action is to be ignored. Stop signals are
 * too: no one could continue the program (docs/c-programs.md). */
static bool ignored_by_default(int sig) {
  switch (sig) {
    case SIGCHLD:
    case SIGCONT:
    case SIGURG:
    case SIGWINCH:
    case SIGSTOP:
    case SIGTSTP:
    case SIGTTIN:
    case SIGTTOU:
      return true;
    default:
      return false;
  }
}

/* Killed by a signal: a shell reports 128 + its number, and abort's
 * "Aborted" for SIGABRT. As on Linux no atexit handler runs and stdio is
 * not flushed; the runner writes dirty MAP_SHARED pages back after _Exit,
 * as Linux's page cache keeps them. */
static _Noreturn void die_of(int sig) {
  if (sig == SIGABRT) abort();
  _Exit(128 + sig);
}

int raise(int sig) {
  if (sig < 0 || sig >= _NSIG) return __anymmap_ret(EINVAL);
  if (sig == 0) return 0;
  const struct sigaction action = __sig_actions[sig];
  bool siginfo = action.sa_flags & SA_SIGINFO;
  /* SIGKILL and SIGSTOP cannot be caught or blocked, whatever
   * Emscripten's sigaction stored for them. */
  if (sig == SIGKILL) die_of(sig);
  if (sig == SIGSTOP) return 0;
  if (__sig_is_blocked(sig)) {
    sigaddset(&__sig_pending, sig);
    return 0;
  }
  if (!siginfo && action.sa_handler == SIG_IGN) return 0;
  if (!siginfo && action.sa_handler == SIG_DFL) {
    if (!ignored_by_default(sig)) die_of(sig);
    return 0;
  }
  if (action.sa_flags & SA_RESETHAND) {
    __sig_actions[sig].sa_handler = SIG_DFL;
    __sig_actions[sig].sa_flags &= ~SA_SIGINFO;
  }
  /* While a handler runs its sa_mask is blocked, and the signal itself
   * unless SA_NODEFER; one raised meanwhile is delivered when it returns. */
  sigset_t during = action.sa_mask, before;
  if (!(action.sa_flags & SA_NODEFER)) sigaddset(&during, sig);
  pthread_sigmask(SIG_BLOCK, &during, &before);
  if (siginfo) {
    siginfo_t info = {.si_signo = sig, .si_code = SI_TKILL, .si_pid = getpid()};
    action.sa_sigaction(sig, &info, NULL);
  } else {
    action.sa_handler(sig);
  }
  pthread_sigmask(SIG_SETMASK, &before, NULL);
  return 0;
}
