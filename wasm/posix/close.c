#include <unistd.h>

#include "anymmap.h"
#include "posix.h"

void __anymmap_ofd_forget(int fd);
void __anymmap_cloexec_forget(int fd);

/* Mappings outlive close(2): anymmap_close keeps a mapped file open. Locks
 * go as Linux's do (locks.c). */
int close(int fd) {
  __anymmap_locks_on_close(fd);
  int r = anymmap_close(fd);
  if (r == 0) {
    __anymmap_ofd_forget(fd);
    __anymmap_cloexec_forget(fd);
    __anymmap_fd_path_forget(fd);
  }
  return r;
}
