#include <errno.h>
#include <time.h>

/* Linux's other clocks on WASI's two: CLOCK_MONOTONIC_RAW, _COARSE and
 * CLOCK_BOOTTIME count as CLOCK_MONOTONIC (nothing slews it, and a program
 * never sees a suspend), CLOCK_REALTIME_COARSE and CLOCK_TAI as
 * CLOCK_REALTIME. They were EINVAL, so timeouts and benchmarks written for
 * Linux failed. The alarm clocks (_ALARM) are EINVAL: a program cannot
 * hold an alarm. */

int __real_clock_gettime(clockid_t clock, struct timespec *ts);
int __real_clock_getres(clockid_t clock, struct timespec *ts);

static clockid_t wasi_clock(clockid_t clock) {
  switch (clock) {
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
      return CLOCK_MONOTONIC;
    case CLOCK_REALTIME_COARSE:
    case CLOCK_TAI:
      return CLOCK_REALTIME;
    default:
      return clock;
  }
}

int __wrap_clock_gettime(clockid_t clock, struct timespec *ts) {
  return __real_clock_gettime(wasi_clock(clock), ts);
}

int __wrap_clock_getres(clockid_t clock, struct timespec *ts) {
  return __real_clock_getres(wasi_clock(clock), ts);
}
