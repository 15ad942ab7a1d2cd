/* Semaphores in a program of one thread. Unnamed ones: Emscripten's
 * stored nothing, so sem_trywait of a zero semaphore succeeded and
 * sem_getvalue said 0 after posts; sem_timedwait failed to link. Named
 * ones (sem_open, sem_close, sem_unlink) failed to link: O_CREAT, O_EXCL,
 * ENOENT, EEXIST, names (glibc 2.36's answers), reopening the same semaphore, a value kept after
 * the last close, unlinking while open. A wait on a zero semaphore that
 * nothing will post is not made (Linux would hang; anymmap answers
 * EDEADLK: docs/c-programs.md). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <semaphore.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "facts.h"

#define ERRNAME(e) ((e) == ETIMEDOUT ? "ETIMEDOUT" : (e) == EOVERFLOW ? "EOVERFLOW" : errname(e))

#define SEMCALL(label, expr)                                        \
  do {                                                              \
    errno = 0;                                                      \
    int r_ = (expr);                                                \
    if (r_ < 0) printf("%s: %d %s\n", label, r_, ERRNAME(errno));   \
    else printf("%s: %d\n", label, r_);                             \
  } while (0)

static void value(const char *label, sem_t *s) {
  int v = -1;
  sem_getvalue(s, &v);
  printf("%s: value %d\n", label, v);
}

static sem_t *opened(const char *label, sem_t *s) {
  if (s == SEM_FAILED) printf("%s: SEM_FAILED %s\n", label, errname(errno));
  else printf("%s: opened\n", label);
  return s;
}

int main(void) {
  sem_t u;
  SEMCALL("sem_init 0", sem_init(&u, 0, 0));
  SEMCALL("trywait on 0", sem_trywait(&u));
  SEMCALL("post", sem_post(&u));
  SEMCALL("post", sem_post(&u));
  value("after two posts", &u);
  SEMCALL("wait", sem_wait(&u));
  SEMCALL("trywait", sem_trywait(&u));
  SEMCALL("trywait on 0", sem_trywait(&u));
  value("after taking both", &u);
  struct timespec at;
  clock_gettime(CLOCK_REALTIME, &at);
  at.tv_nsec += 50 * 1000 * 1000;
  if (at.tv_nsec >= 1000000000) at.tv_sec++, at.tv_nsec -= 1000000000;
  SEMCALL("timedwait on 0, 50 ms", sem_timedwait(&u, &at));
  at.tv_nsec = 1000000000;
  SEMCALL("timedwait, bad nanoseconds", sem_timedwait(&u, &at));
  SEMCALL("post", sem_post(&u));
  SEMCALL("timedwait, bad nanoseconds but a value", sem_timedwait(&u, &at));
  SEMCALL("sem_init past SEM_VALUE_MAX", sem_init(&u, 0, (unsigned)SEM_VALUE_MAX + 1));
  SEMCALL("sem_init at SEM_VALUE_MAX", sem_init(&u, 0, SEM_VALUE_MAX));
  SEMCALL("post past SEM_VALUE_MAX", sem_post(&u));
  SEMCALL("destroy", sem_destroy(&u));

  char name[64];
  snprintf(name, sizeof name, "/anymmap-corpus-%d", (int)getpid());
  sem_unlink(name);
  errno = 0;
  opened("open missing", sem_open(name, 0));
  sem_t *a = opened("create with 2", sem_open(name, O_CREAT | O_EXCL, 0600, 2));
  errno = 0;
  opened("create again, O_EXCL", sem_open(name, O_CREAT | O_EXCL, 0600, 5));
  sem_t *b = opened("open again, O_CREAT", sem_open(name, O_CREAT, 0600, 5));
  printf("the same semaphore: %d\n", a == b);
  value("value", b);
  sem_t *c = opened("open again without O_CREAT", sem_open(name + 1, O_RDWR));
  SEMCALL("trywait", sem_trywait(a));
  SEMCALL("trywait", sem_trywait(b));
  SEMCALL("trywait on 0", sem_trywait(c));
  SEMCALL("post", sem_post(c));
  SEMCALL("close", sem_close(a));
  SEMCALL("close", sem_close(b));
  SEMCALL("close", sem_close(c));
  sem_t *d = opened("reopen after the last close", sem_open(name, 0));
  value("value kept", d);
  SEMCALL("unlink", sem_unlink(name));
  SEMCALL("unlink again", sem_unlink(name));
  errno = 0;
  opened("open unlinked", sem_open(name, 0));
  SEMCALL("post to the unlinked one", sem_post(d));
  value("still usable", d);
  sem_t *e = opened("create a new one", sem_open(name, O_CREAT | O_EXCL, 0600, 7));
  value("the new one", e);
  value("the old one", d);
  SEMCALL("close old", sem_close(d));
  SEMCALL("close new", sem_close(e));
  SEMCALL("unlink new", sem_unlink(name));

  errno = 0;
  opened("name \"/\"", sem_open("/", O_CREAT, 0600, 1));
  errno = 0;
  opened("name \"\"", sem_open("", O_CREAT, 0600, 1));
  errno = 0;
  opened("name with a slash inside", sem_open("/a/b", O_CREAT, 0600, 1));
  char longname[300];
  longname[0] = '/';
  memset(longname + 1, 'x', sizeof longname - 2);
  longname[sizeof longname - 1] = '\0';
  errno = 0;
  opened("name of 298 bytes", sem_open(longname, O_CREAT, 0600, 1));
  errno = 0;
  SEMCALL("unlink of a name with a slash inside", sem_unlink("/a/b"));
  snprintf(name, sizeof name, "//anymmap-corpus-big-%d", (int)getpid());
  errno = 0;
  opened("create past SEM_VALUE_MAX", sem_open(name, O_CREAT, 0600, (unsigned)SEM_VALUE_MAX + 1));
  errno = 0;
  SEMCALL("unlink it", sem_unlink(name));
  return 0;
}
