#include <errno.h>
#include <time.h>

#include "posix.h"

/* Emscripten's standalone nanosleep spins on emscripten_get_now(), which
 * computes 1000 * clock() in 32 bits and wraps after about 2.1 s of CPU
 * time, after which a sleep never ends. This one waits in the host with a
 * WASI poll_oneoff clock subscription, and a second one for the alarm
 * timer (itimer.c): at its expiry SIGALRM is raised, and a handler ends
 * the sleep with EINTR and the time left in rem, as on Linux; ignored or
 * blocked, the sleep goes on. Returns 0 or an errno, as clock_nanosleep
 * does. */

enum { SLEEP = 1, ALARM = 2 };

static __wasi_subscription_t clock_at(__wasi_userdata_t userdata, clockid_t clock,
                                      __wasi_timestamp_t at) {
  __wasi_subscription_t sub = {0};
  sub.userdata = userdata;
  sub.type = __WASI_EVENTTYPE_CLOCK;
  sub.u.clock.id = (__wasi_clockid_t)clock;
  sub.u.clock.timeout = at;
  sub.u.clock.flags = __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME;
  return sub;
}

int __clock_nanosleep(clockid_t clock, int flags, const struct timespec *req,
                      struct timespec *rem) {
  if (clock == CLOCK_THREAD_CPUTIME_ID) return EINVAL;
  if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC && clock != CLOCK_PROCESS_CPUTIME_ID)
    return EINVAL;
  if (!req) return EFAULT;
  if (req->tv_nsec < 0 || req->tv_nsec > 999999999L || req->tv_sec < 0) return EINVAL;
  __wasi_timestamp_t length =
      (__wasi_timestamp_t)req->tv_sec * 1000000000ull + (__wasi_timestamp_t)req->tv_nsec;
  __wasi_timestamp_t start = 0;
  int err = __wasi_clock_time_get((__wasi_clockid_t)clock, 1, &start);
  if (err) return err;
  __wasi_timestamp_t end = (flags & TIMER_ABSTIME) ? length : start + length;
  for (;;) {
    __wasi_subscription_t subs[2] = {clock_at(SLEEP, clock, end)};
    uint64_t alarm = __anymmap_itimer_due();
    if (alarm) subs[1] = clock_at(ALARM, CLOCK_MONOTONIC, alarm);
    __wasi_event_t events[2];
    __wasi_size_t n = 0;
    err = __wasi_poll_oneoff(subs, events, alarm ? 2 : 1, &n);
    if (err) return err;
    int slept = 0, alarmed = 0;
    for (__wasi_size_t i = 0; i < n; i++) {
      if (events[i].error) return events[i].error;
      if (events[i].userdata == SLEEP) slept = 1;
      if (events[i].userdata == ALARM) alarmed = 1;
    }
    if (alarmed && __anymmap_itimer_expire() && !slept) {
      __wasi_timestamp_t now = end;
      (void)__wasi_clock_time_get((__wasi_clockid_t)clock, 1, &now);
      if (rem && !(flags & TIMER_ABSTIME)) {
        __wasi_timestamp_t left = now < end ? end - now : 0;
        *rem = (struct timespec){(time_t)(left / 1000000000u), (long)(left % 1000000000u)};
      }
      return EINTR;
    }
    if (slept) return 0;
  }
}

int clock_nanosleep(clockid_t clock, int flags, const struct timespec *req, struct timespec *rem) {
  return __clock_nanosleep(clock, flags, req, rem);
}

int nanosleep(const struct timespec *req, struct timespec *rem) {
  return __anymmap_ret(__clock_nanosleep(CLOCK_REALTIME, 0, req, rem));
}
