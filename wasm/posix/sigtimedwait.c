#include <errno.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "posix.h"

extern sigset_t __sig_pending;

/* sigtimedwait(2), and through it musl's sigwait and sigwaitinfo.
 * Emscripten's left si_signo 0 (so sigwait stored signal 0) and answered
 * EINVAL at once when nothing was pending. A pending signal of the set is
 * taken; otherwise the call waits out its timeout (forever without one)
 * for the alarm timer, whose SIGALRM, blocked as sigwait wants it, becomes
 * pending at its expiry (itimer.c); then EAGAIN. A handler that runs
 * meanwhile ends the wait with EINTR. */

int sigtimedwait(const sigset_t *restrict set, siginfo_t *restrict info,
                 const struct timespec *restrict timeout) {
  if (timeout && (timeout->tv_sec < 0 || timeout->tv_nsec < 0 || timeout->tv_nsec > 999999999L))
    return __anymmap_ret(EINVAL);
  const uint64_t forever = UINT64_MAX;
  uint64_t deadline = timeout ? __anymmap_monotonic_ns() + (uint64_t)timeout->tv_sec * 1000000000u +
                                    (uint64_t)timeout->tv_nsec
                              : forever;
  for (;;) {
    for (int sig = 1; sig < _NSIG; sig++) {
      if (!sigismember(set, sig) || !sigismember(&__sig_pending, sig)) continue;
      sigdelset(&__sig_pending, sig);
      if (info) *info = (siginfo_t){.si_signo = sig, .si_code = SI_USER, .si_pid = getpid()};
      return sig;
    }
    uint64_t now = __anymmap_monotonic_ns();
    if (now >= deadline) return __anymmap_ret(EAGAIN);
    uint64_t alarm = __anymmap_itimer_due();
    uint64_t until = alarm && alarm < deadline ? alarm : deadline;
    if (until == forever) until = now + 86400 * 1000000000ull;
    struct timespec at = {(time_t)(until / 1000000000u), (long)(until % 1000000000u)};
    if (__clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) == EINTR)
      return __anymmap_ret(EINTR);
  }
}
