#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "posix.h"

/* kill(2): the program is the only process there is. Its own pid and its
 * process group (0) are raise; Emscripten's answered EPERM for the group
 * and for a bad signal number. Every other pid, and -1 (every process but
 * the caller), names no process: ESRCH. */
int kill(pid_t pid, int sig) {
  if (sig < 0 || sig >= _NSIG) return __anymmap_ret(EINVAL);
  if (pid != 0 && pid != getpid()) return __anymmap_ret(ESRCH);
  return raise(sig);
}
