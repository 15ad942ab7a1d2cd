#include <fcntl.h>

#include "posix.h"

/* WASI has no pipes: the host's anymmap.fd_pipe makes an in-process one
 * (src/wasi/pipe.ts) and stores its read and write ends at fds. 0 or
 * -errno (WASI). A program is one thread: reading an empty pipe that still
 * has a writer, or writing a full one, answers EAGAIN where Linux would
 * block forever. */
int __anymmap_host_fd_pipe(int *fds)
    __attribute__((__import_module__("anymmap"), __import_name__("fd_pipe")));

/* Emscripten's stub library defines __syscall_pipe2 (ENOSYS) beside
 * syscalls programs need, hence --wrap. */
long __wrap___syscall_pipe2(long fds, long flags) {
  if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT)) return -EINVAL;
  int *pair = (int *)fds;
  int err = __anymmap_host_fd_pipe(pair);
  if (err) return err;
  for (int i = 0; i < 2; i++) {
    __anymmap_ofd_new(pair[i]);
    __anymmap_cloexec_set(pair[i], (flags & O_CLOEXEC) != 0);
  }
  return 0;
}

long __syscall_pipe(long fds) {
  return __wrap___syscall_pipe2(fds, 0);
}
