#include <stdlib.h>

#include "posix.h"

/* Linux writes dirty MAP_SHARED pages back after the process exits; here
 * nothing would once the instance is gone, so exit() does it. */
static void writeback_at_exit(void) {
  (void)__anymmap_writeback_all();
}

__attribute__((constructor)) static void register_writeback(void) {
  atexit(writeback_at_exit);
}
