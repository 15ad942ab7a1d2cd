/*
 * Single-threaded builds (no pthreads in STANDALONE_WASM) link Emscripten's
 * pthread stub library, which lacks pthread_mutexattr_setrobust and whose
 * setpshared/settype setters store nothing, so the getters (musl's) answer
 * defaults. These store what musl's real setters store, in the same bits,
 * so every getter answers as on Linux; `anymmap cc` links with
 * --wrap=NAME for the setters the stub library already defines.
 */
#include <errno.h>
#include <pthread.h>

int pthread_mutexattr_setrobust(pthread_mutexattr_t *a, int robust) {
  if ((unsigned)robust > 1U) return EINVAL;
  a->__attr = (a->__attr & ~4U) | (unsigned)robust << 2;
  return 0;
}

int __wrap_pthread_mutexattr_setpshared(pthread_mutexattr_t *a, int pshared) {
  if ((unsigned)pshared > 1U) return EINVAL;
  a->__attr = (a->__attr & ~128U) | (unsigned)pshared << 7;
  return 0;
}

int __wrap_pthread_mutexattr_settype(pthread_mutexattr_t *a, int type) {
  if ((unsigned)type > 2U) return EINVAL;
  a->__attr = (a->__attr & ~3U) | (unsigned)type;
  return 0;
}

int __wrap_pthread_condattr_setpshared(pthread_condattr_t *a, int pshared) {
  if ((unsigned)pshared > 1U) return EINVAL;
  a->__attr = (a->__attr & 0x7fffffffU) | (unsigned)pshared << 31;
  return 0;
}

/* With one thread no owner can die holding a mutex, so no mutex is ever in
 * the inconsistent state: Linux answers EINVAL for a consistent one. */
int __wrap_pthread_mutex_consistent(pthread_mutex_t *m) {
  (void)m;
  return EINVAL;
}
