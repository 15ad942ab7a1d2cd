#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/time.h>
#include <unistd.h>

#include "posix.h"

/* ITIMER_REAL: alarm(2), setitimer(2), getitimer(2). Emscripten had no
 * alarm (programs that arm a watchdog failed to link) and its setitimer
 * was ENOSYS. A running WebAssembly program cannot be interrupted, so
 * SIGALRM arrives where the program waits: a sleep, poll, select, pause or
 * sigsuspend ends at the timer's expiry and raises it there (sleep.c), and
 * these calls raise one that expired while the program computed. The
 * per-CPU-time timers have no clock to count on: ENOSYS. */

extern sigset_t __sig_pending;
bool __sig_is_blocked(int sig);
extern struct sigaction __sig_actions[_NSIG];

static uint64_t due_ns;      /* on CLOCK_MONOTONIC; 0: disarmed */
static uint64_t interval_ns; /* 0: one shot */

uint64_t __anymmap_monotonic_ns(void) {
  __wasi_timestamp_t t = 0;
  (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
  return t;
}

uint64_t __anymmap_itimer_due(void) {
  return due_ns;
}

int __anymmap_has_handler(int sig) {
  const struct sigaction *a = &__sig_actions[sig];
  return (a->sa_flags & SA_SIGINFO) || (a->sa_handler != SIG_DFL && a->sa_handler != SIG_IGN);
}

/* Whether raising sig runs a handler now: what interrupts a wait (EINTR). */
static bool caught(int sig) {
  return !__sig_is_blocked(sig) && __anymmap_has_handler(sig);
}

int __anymmap_itimer_expire(void) {
  uint64_t now = __anymmap_monotonic_ns();
  if (!due_ns || now < due_ns) return 0;
  /* Expiries missed while the program computed are one signal, as on
   * Linux, where a pending signal is not queued twice. */
  due_ns = interval_ns ? due_ns + ((now - due_ns) / interval_ns + 1) * interval_ns : 0;
  bool interrupts = caught(SIGALRM);
  (void)raise(SIGALRM);
  return interrupts;
}

static uint64_t to_ns(const struct timeval *tv) {
  return (uint64_t)tv->tv_sec * 1000000000u + (uint64_t)tv->tv_usec * 1000u;
}

/* Rounded up to a microsecond, so that an armed timer never reads as 0. */
static struct timeval to_timeval(uint64_t ns) {
  uint64_t us = (ns + 999) / 1000;
  return (struct timeval){(time_t)(us / 1000000), (suseconds_t)(us % 1000000)};
}

int getitimer(int which, struct itimerval *value) {
  if (which == ITIMER_VIRTUAL || which == ITIMER_PROF) return __anymmap_ret(ENOSYS);
  if (which != ITIMER_REAL) return __anymmap_ret(EINVAL);
  if (!value) return __anymmap_ret(EFAULT);
  (void)__anymmap_itimer_expire();
  uint64_t now = __anymmap_monotonic_ns();
  value->it_value = to_timeval(due_ns > now ? due_ns - now : 0);
  value->it_interval = to_timeval(interval_ns);
  return 0;
}

static bool valid(const struct timeval *tv) {
  return tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < 1000000;
}

int setitimer(int which, const struct itimerval *restrict value, struct itimerval *restrict old) {
  if (which == ITIMER_VIRTUAL || which == ITIMER_PROF) return __anymmap_ret(ENOSYS);
  if (which != ITIMER_REAL) return __anymmap_ret(EINVAL);
  if (!value) return __anymmap_ret(EFAULT);
  if (!valid(&value->it_value) || !valid(&value->it_interval)) return __anymmap_ret(EINVAL);
  if (old && getitimer(ITIMER_REAL, old)) return -1;
  if (!old) (void)__anymmap_itimer_expire();
  uint64_t value_ns = to_ns(&value->it_value);
  due_ns = value_ns ? __anymmap_monotonic_ns() + value_ns : 0;
  interval_ns = value_ns ? to_ns(&value->it_interval) : 0;
  return 0;
}

/* Linux's rounding: what was left, to the nearest second, and 1 rather
 * than 0 for an armed timer. */
unsigned alarm(unsigned seconds) {
  /* time_t is 32 bits here: a longer alarm is one of 68 years. */
  time_t s = seconds > INT32_MAX ? INT32_MAX : (time_t)seconds;
  struct itimerval value = {{0, 0}, {s, 0}}, old = {{0, 0}, {0, 0}};
  (void)setitimer(ITIMER_REAL, &value, &old);
  unsigned left = (unsigned)old.it_value.tv_sec;
  if (old.it_value.tv_usec >= 500000 || (!left && old.it_value.tv_usec)) left++;
  return left;
}

/* Waits, as Linux does, until a signal runs a handler; one that ends the
 * program ends the wait too. Without a timer armed it waits forever. */
int pause(void) {
  static const struct timespec day = {86400, 0};
  while (__clock_nanosleep(CLOCK_MONOTONIC, 0, &day, NULL) != EINTR) {
  }
  return __anymmap_ret(EINTR);
}

int sigsuspend(const sigset_t *mask) {
  sigset_t before;
  bool let_through = false;
  for (int sig = 1; sig < _NSIG; sig++)
    if (sigismember(&__sig_pending, sig) && !sigismember(mask, sig)) let_through = true;
  /* A pending signal the mask lets through is delivered by sigprocmask. */
  sigprocmask(SIG_SETMASK, mask, &before);
  if (!let_through) (void)pause();
  sigprocmask(SIG_SETMASK, &before, NULL);
  return __anymmap_ret(EINTR);
}
