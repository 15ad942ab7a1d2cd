#include <errno.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "posix.h"

/* One CPU, CPU 0, as sysconf(_SC_NPROCESSORS_ONLN) says: a program is one
 * thread. These failed to link (Emscripten builds none of musl's sched/),
 * CPU_COUNT with them. */

static int known(pid_t pid) {
  return pid == 0 || pid == getpid();
}

int sched_getaffinity(pid_t pid, size_t size, cpu_set_t *set) {
  if (!known(pid)) return __anymmap_ret(ESRCH);
  if (size < sizeof(unsigned long)) return __anymmap_ret(EINVAL);
  memset(set, 0, size);
  ((unsigned char *)set)[0] = 1;
  return 0;
}

int sched_setaffinity(pid_t pid, size_t size, const cpu_set_t *set) {
  if (!known(pid)) return __anymmap_ret(ESRCH);
  if (!size || !(((const unsigned char *)set)[0] & 1)) return __anymmap_ret(EINVAL);
  return 0;
}

int sched_getcpu(void) {
  return 0;
}

int __sched_cpucount(size_t size, const cpu_set_t *set) {
  int count = 0;
  for (size_t i = 0; i < size; i++)
    for (unsigned char b = ((const unsigned char *)set)[i]; b; b &= (unsigned char)(b - 1)) count++;
  return count;
}
