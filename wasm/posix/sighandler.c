#include <signal.h>

/* raise(3) calls a handler set with signal or sigaction through this;
 * Emscripten's is JavaScript glue that a standalone program does not have,
 * so raise failed to link. */
void __call_sighandler(sighandler_t handler, int sig) {
  handler(sig);
}
