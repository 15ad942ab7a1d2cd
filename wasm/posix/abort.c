#include <signal.h>
#include <stdlib.h>

#include "posix.h"

/* abort(3): Emscripten's standalone library exits with status 1, which a
 * test runner cannot tell from a test reporting failure. Linux kills the
 * process with SIGABRT, which a shell reports as status 134 and "Aborted":
 * both here. Neither atexit handlers nor stdio flushing run, as on Linux,
 * but dirty MAP_SHARED pages reach the file: Linux's page cache keeps them
 * after the process dies, and here the host file is the page cache. */
void __wrap_abort(void) {
  static const char message[] = "Aborted\n";
  /* First a SIGABRT handler, even with the signal blocked, as Linux's
   * abort does: it may _exit or longjmp away (test harnesses report the
   * failed test so); if it returns, the default action follows. */
  if (__anymmap_has_handler(SIGABRT)) {
    sigset_t abrt;
    sigemptyset(&abrt);
    sigaddset(&abrt, SIGABRT);
    sigprocmask(SIG_UNBLOCK, &abrt, NULL);
    (void)raise(SIGABRT);
  }
  (void)__anymmap_writeback_all();
  __wasi_ciovec_t iov = {(const uint8_t *)message, sizeof message - 1};
  __wasi_size_t n;
  (void)__anymmap_host_fd_write(2, &iov, 1, &n);
  __wasi_proc_exit(134);
}
