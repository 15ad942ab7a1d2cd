#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

/* getloadavg failed to link. glibc's reads /proc/loadavg and returns -1
 * (with open's errno) when it cannot: a WebAssembly program has no /proc
 * unless a --dir gives it one, so it answers -1 with ENOENT, as glibc does
 * on a Linux without /proc. Through such a --dir it reads the host's
 * loads, up to three of them, as glibc parses them. */

int getloadavg(double loadavg[], int nelem) {
  char buf[64];
  int fd = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = '\0';
  int i = 0;
  char *p = buf;
  for (; i < nelem && i < 3; i++) {
    char *end;
    double d = strtod(p, &end);
    if (end == p) return -1;
    loadavg[i] = d;
    p = end;
  }
  return i;
}
