/* Robust and process-shared mutex and condition attributes in a
 * single-threaded program (what LMDB and other mmap databases set up for a
 * lock region in a shared mapping): they link, store and read back as on
 * Linux. */
#include <pthread.h>
#include <sys/mman.h>

#include "facts.h"

int main(void) {
  pthread_mutexattr_t a;
  pthread_condattr_t ca;
  int v = -1;
  CALL("mutexattr_init", pthread_mutexattr_init(&a));
  CALL("condattr_init", pthread_condattr_init(&ca));
  pthread_mutexattr_getrobust(&a, &v), printf("robust default %d\n", v);
  pthread_mutexattr_getpshared(&a, &v), printf("pshared default %d\n", v);
  pthread_mutexattr_gettype(&a, &v), printf("type default %d\n", v);
  pthread_condattr_getpshared(&ca, &v), printf("cond pshared default %d\n", v);
  printf("setrobust: %d\n", pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST));
  printf("setrobust bad: %s\n", errname(pthread_mutexattr_setrobust(&a, 7)));
  pthread_mutexattr_getrobust(&a, &v), printf("robust %d\n", v);
  printf("setpshared: %d\n", pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED));
  printf("setpshared bad: %s\n", errname(pthread_mutexattr_setpshared(&a, 5)));
  pthread_mutexattr_getpshared(&a, &v), printf("pshared %d\n", v);
  printf("settype: %d\n", pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE));
  printf("settype bad: %s\n", errname(pthread_mutexattr_settype(&a, 9)));
  pthread_mutexattr_gettype(&a, &v), printf("type recursive %d\n", v == PTHREAD_MUTEX_RECURSIVE);
  pthread_mutexattr_getrobust(&a, &v), printf("robust still %d\n", v);
  printf("cond setpshared: %d\n", pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED));
  printf("cond setpshared bad: %s\n", errname(pthread_condattr_setpshared(&ca, 3)));
  pthread_condattr_getpshared(&ca, &v), printf("cond pshared %d\n", v);

  /* A robust, process-shared mutex and condition in a shared mapping. */
  struct region {
    pthread_mutex_t m;
    pthread_cond_t c;
  } *r = mmap(NULL, sizeof *r, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  printf("mapped: %d\n", r != MAP_FAILED);
  CALL("mutex_init", pthread_mutex_init(&r->m, &a));
  CALL("cond_init", pthread_cond_init(&r->c, &ca));
  CALL("lock", pthread_mutex_lock(&r->m));
  printf("consistent (not inconsistent): %s\n", errname(pthread_mutex_consistent(&r->m)));
  CALL("unlock", pthread_mutex_unlock(&r->m));
  CALL("cond_signal", pthread_cond_signal(&r->c));
  CALL("cond_destroy", pthread_cond_destroy(&r->c));
  CALL("mutex_destroy", pthread_mutex_destroy(&r->m));
  CALL("mutexattr_destroy", pthread_mutexattr_destroy(&a));
  CALL("condattr_destroy", pthread_condattr_destroy(&ca));
  return 0;
}
