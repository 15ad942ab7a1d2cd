/* prlimit failed to link, and setrlimit stored nothing: getrlimit said
 * "unlimited" whatever was set. What a program sets it reads back, through
 * getrlimit and prlimit alike (pid 0 and its own pid); another pid is
 * ESRCH, an unknown resource or a soft limit above the hard one EINVAL.
 * The starting values differ (Linux's come from the shell), so only
 * whether the two calls agree on them is printed. */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/resource.h>
#include <unistd.h>

#include "facts.h"

static void show(const char *label, struct rlimit r) {
  printf("%s: cur %llu max %llu\n", label, (unsigned long long)r.rlim_cur, (unsigned long long)r.rlim_max);
}

int main(void) {
  struct rlimit a, b;
  CALL("getrlimit NOFILE", getrlimit(RLIMIT_NOFILE, &a));
  CALL("prlimit 0 NOFILE", prlimit(0, RLIMIT_NOFILE, NULL, &b));
  printf("the same: %d\n", a.rlim_cur == b.rlim_cur && a.rlim_max == b.rlim_max);
  CALL("prlimit getpid() NOFILE", prlimit(getpid(), RLIMIT_NOFILE, NULL, &b));
  printf("the same: %d\n", a.rlim_cur == b.rlim_cur && a.rlim_max == b.rlim_max);

  struct rlimit core = {0, 0}, old;
  CALL("prlimit 0 CORE to 0", prlimit(0, RLIMIT_CORE, &core, NULL));
  CALL("getrlimit CORE", getrlimit(RLIMIT_CORE, &old));
  show("CORE", old);
  struct rlimit fsize = {1 << 20, 1 << 30};
  CALL("setrlimit FSIZE", setrlimit(RLIMIT_FSIZE, &fsize));
  fsize.rlim_cur = 4096;
  CALL("prlimit FSIZE, reading the old", prlimit(0, RLIMIT_FSIZE, &fsize, &old));
  show("old FSIZE", old);
  CALL("getrlimit FSIZE", getrlimit(RLIMIT_FSIZE, &old));
  show("FSIZE", old);
  struct rlimit64 old64;
  CALL("prlimit64 FSIZE", prlimit64(0, RLIMIT_FSIZE, NULL, &old64));
  printf("FSIZE: cur %llu max %llu\n", (unsigned long long)old64.rlim_cur, (unsigned long long)old64.rlim_max);

  struct rlimit bad = {2, 1};
  CALL("soft above hard", setrlimit(RLIMIT_FSIZE, &bad));
  CALL("prlimit soft above hard", prlimit(0, RLIMIT_FSIZE, &bad, NULL));
  CALL("unknown resource", getrlimit(1000, &old));
  CALL("prlimit unknown resource", prlimit(0, 1000, NULL, &old));
  CALL("prlimit of no process", prlimit(1 << 30, RLIMIT_NOFILE, NULL, &old));
  CALL("getrlimit FSIZE again", getrlimit(RLIMIT_FSIZE, &old));
  show("FSIZE", old);
  return 0;
}
