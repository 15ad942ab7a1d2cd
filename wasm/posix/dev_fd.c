#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "posix.h"

/* /dev/stdin, /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N,
 * which no host directory holds, name the program's own descriptors:
 * programs take them as file names to read stdin or write stdout
 * (`-o /dev/stdout`). Opening one gives another descriptor of the same
 * file or stream, as dup does; Linux opens a regular file afresh, with an
 * offset of its own and O_TRUNC honoured, which only a file redirected
 * into stdio tells apart. Returns the descriptor, -ENOENT for a descriptor
 * that is not open (Linux's /proc has no such entry), or -errno. */
int __anymmap_open_fd_name(int fd, int flags) {
  if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) return -EEXIST;
  int r = __anymmap_dup_from(fd, 0, (flags & O_CLOEXEC) != 0);
  if (r >= 0) return r;
  return errno == EBADF ? -ENOENT : -errno;
}

/* stat of such a name follows it to the descriptor's file (fstat); lstat
 * sees the symbolic link Linux has there: /dev/stdin and its kin are links
 * to /proc/self/fd/N (rwxrwxrwx, as long as their target), /dev/fd/N and
 * /proc/self/fd/N /proc's links of the descriptor (readable, writable and
 * executable by the owner as the descriptor was opened, 64 bytes). 0, or
 * ENOENT for a descriptor that is not open. */
int __anymmap_fd_name_stat(int fd, int alias, int follow, struct stat *st) {
  int saved = errno;
  int mode = fcntl(fd, F_GETFL);
  errno = saved;
  if (mode < 0) return ENOENT;
  if (follow) return fstat(fd, st) ? ENOENT : 0;
  memset(st, 0, sizeof *st);
  st->st_nlink = 1;
  if (alias) {
    st->st_mode = S_IFLNK | 0777;
    st->st_size = (off_t)strlen("/proc/self/fd/") + 1;
  } else {
    int access = mode & O_ACCMODE;
    st->st_mode =
        S_IFLNK | 0100 | (access != O_WRONLY ? 0400 : 0) | (access != O_RDONLY ? 0200 : 0);
    st->st_size = 64;
  }
  return 0;
}
