#include <stdlib.h>

/* quick_exit(3) and at_quick_exit(3) (C11) failed to link: Emscripten
 * builds none of musl's exit/. As musl: up to 32 handlers, run last first,
 * then _Exit; no atexit handler runs and stdio is not flushed. */

#define COUNT 32

static void (*handlers[COUNT])(void);
static int count;

int at_quick_exit(void (*handler)(void)) {
  if (count == COUNT) return -1;
  handlers[count++] = handler;
  return 0;
}

_Noreturn void quick_exit(int status) {
  while (count) handlers[--count]();
  _Exit(status);
}
