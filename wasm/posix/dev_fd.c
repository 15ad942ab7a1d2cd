#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "posix.h"

/* The descriptor a name of the program's own descriptors stands for, or -1. */
static int named_fd(const char *guest) {
  if (!strcmp(guest, "/dev/stdin")) return 0;
  if (!strcmp(guest, "/dev/stdout")) return 1;
  if (!strcmp(guest, "/dev/stderr")) return 2;
  const char *n = !strncmp(guest, "/dev/fd/", 8)          ? guest + 8
                  : !strncmp(guest, "/proc/self/fd/", 14) ? guest + 14
                                                          : NULL;
  if (!n || *n < '0' || *n > '9') return -1;
  char *end;
  long fd = strtol(n, &end, 10);
  return *end || fd > INT_MAX ? -1 : (int)fd;
}

/* /dev/stdin, /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N,
 * which no host directory holds, name the program's own descriptors:
 * programs take them as file names to read stdin or write stdout
 * (`-o /dev/stdout`). Opening one gives another descriptor of the same
 * file or stream, as dup does; Linux opens a regular file afresh, with an
 * offset of its own and O_TRUNC honoured, which only a file redirected
 * into stdio tells apart. Returns the descriptor, -ENOENT for other names
 * and for descriptors that are not open (Linux's /proc has no such entry),
 * or -errno. */
int __anymmap_open_fd_name(const char *guest, int flags) {
  int fd = named_fd(guest);
  if (fd < 0) return -ENOENT;
  if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) return -EEXIST;
  int r = __anymmap_dup_from(fd, 0, (flags & O_CLOEXEC) != 0);
  if (r >= 0) return r;
  return errno == EBADF ? -ENOENT : -errno;
}
