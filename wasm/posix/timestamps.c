#include <errno.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "posix.h"

/* WASI timestamps and fstflags for utimensat's times (NULL: both now). */
int __anymmap_timestamps(const struct timespec times[2], __wasi_timestamp_t *atim,
                         __wasi_timestamp_t *mtim, __wasi_fstflags_t *flags) {
  static const __wasi_fstflags_t set[2] = {__WASI_FSTFLAGS_ATIM, __WASI_FSTFLAGS_MTIM};
  static const __wasi_fstflags_t now[2] = {__WASI_FSTFLAGS_ATIM_NOW, __WASI_FSTFLAGS_MTIM_NOW};
  __wasi_timestamp_t *out[2] = {atim, mtim};
  *flags = 0;
  for (int i = 0; i < 2; i++) {
    *out[i] = 0;
    if (!times || times[i].tv_nsec == UTIME_NOW) {
      *flags |= now[i];
    } else if (times[i].tv_nsec != UTIME_OMIT) {
      if (times[i].tv_nsec < 0 || times[i].tv_nsec >= 1000000000 || times[i].tv_sec < 0)
        return EINVAL;
      *out[i] =
          (__wasi_timestamp_t)times[i].tv_sec * 1000000000u + (__wasi_timestamp_t)times[i].tv_nsec;
      *flags |= set[i];
    }
  }
  return 0;
}

/* futimes' and lutimes' microseconds as utimensat's times; EINVAL for a
 * tv_usec outside [0, 1000000), as Linux (checked before the multiplication
 * by 1000 can wrap a 32-bit long). */
int __anymmap_timeval_times(const struct timeval *tv, struct timespec times[2]) {
  for (int i = 0; i < 2; i++) {
    if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000) return EINVAL;
    times[i].tv_sec = tv[i].tv_sec;
    times[i].tv_nsec = tv[i].tv_usec * 1000;
  }
  return 0;
}
