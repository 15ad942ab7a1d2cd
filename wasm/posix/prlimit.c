#include <errno.h>
#include <sys/resource.h>
#include <unistd.h>

#include "posix.h"

/* Resource limits: getrlimit, setrlimit and prlimit all go through the
 * prlimit64 syscall, which Emscripten's stub answered with "unlimited"
 * whatever setrlimit had stored (it stored nothing), and prlimit failed to
 * link. The program's limits are kept here with Linux's checks (EINVAL for
 * an unknown resource or a soft limit above the hard one; the program is
 * root, so it may raise a hard limit); they start unlimited but for the
 * stack, whose 8 MiB soft limit is Linux's default and the program's real
 * stack. No limit is enforced (docs/c-programs.md). pid 0 and the
 * program's own pid are the program; any other is ESRCH, as there is no
 * other process. */

static struct rlimit limits[RLIM_NLIMITS];
static int ready;

static void init(void) {
  for (int i = 0; i < RLIM_NLIMITS; i++) limits[i] = (struct rlimit){RLIM_INFINITY, RLIM_INFINITY};
  limits[RLIMIT_STACK].rlim_cur = 8 << 20;
  ready = 1;
}

long __wrap___syscall_prlimit64(long pid, long resource, long new_limit, long old_limit) {
  const struct rlimit *set = (const struct rlimit *)new_limit;
  struct rlimit *get = (struct rlimit *)old_limit;
  if (!ready) init();
  if (pid != 0 && pid != getpid()) return -ESRCH;
  if (resource < 0 || resource >= RLIM_NLIMITS) return -EINVAL;
  if (set && set->rlim_cur > set->rlim_max) return -EINVAL;
  if (get) *get = limits[resource];
  if (set) limits[resource] = *set;
  return 0;
}

int prlimit(pid_t pid, int resource, const struct rlimit *new_limit, struct rlimit *old_limit) {
  long r = __wrap___syscall_prlimit64(pid, resource, (long)new_limit, (long)old_limit);
  return r < 0 ? __anymmap_ret((int)-r) : 0;
}

#undef prlimit64
int prlimit64(pid_t pid, int resource, const struct rlimit *new_limit, struct rlimit *old_limit)
    __attribute__((alias("prlimit")));
