#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <string.h>
#include <sys/prctl.h>

#include "posix.h"

/* The name Linux keeps per thread (16 bytes with its NUL), of the one
 * thread there is: prctl(PR_SET_NAME/PR_GET_NAME) and
 * pthread_setname_np/pthread_getname_np failed to link. Other prctl
 * options are EINVAL, Linux's answer to an option it does not know. */

static char name[16];
static int named;

void _emscripten_get_progname(char *out, int len);

/* Linux starts with the program file's name. */
static void first_name(void) {
  if (named) return;
  named = 1;
  char path[256];
  _emscripten_get_progname(path, sizeof path);
  const char *base = strrchr(path, '/');
  strncpy(name, base ? base + 1 : path, sizeof name - 1);
}

int prctl(int option, ...) {
  va_list ap;
  va_start(ap, option);
  first_name();
  int result = 0;
  /* The argument is read only by the options that take one: prctl(PR_GET_DUMPABLE) passes none. */
  switch (option) {
    case PR_SET_NAME:
      strncpy(name, va_arg(ap, char *), sizeof name - 1);
      break;
    case PR_GET_NAME:
      memcpy(va_arg(ap, char *), name, sizeof name);
      break;
    default:
      result = __anymmap_ret(EINVAL);
  }
  va_end(ap);
  return result;
}

int pthread_setname_np(pthread_t thread, const char *new_name) {
  (void)thread;
  first_name();
  if (strlen(new_name) >= sizeof name) return ERANGE;
  strcpy(name, new_name);
  return 0;
}

int pthread_getname_np(pthread_t thread, char *buf, size_t len) {
  (void)thread;
  first_name();
  if (len < strlen(name) + 1) return ERANGE;
  strcpy(buf, name);
  return 0;
}
