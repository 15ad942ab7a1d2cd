#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "posix.h"

/* tmpfile, tmpnam and tempnam as musl's, over anymmap's open, lstat and
 * unlink: musl's call the raw syscalls, which Emscripten's standalone
 * library answers with ENOSYS (tmpnam always failed, tmpfile left its
 * file behind). */

#define MAX_TRIES 100

/* Six name characters, different at each call. */
static void random_name(char *six) {
  static uint64_t counter;
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  uint64_t r =
      (uint64_t)now.tv_nsec * 65537u + (uint64_t)now.tv_sec + ++counter * 0x9e3779b97f4a7c15u;
  for (int i = 0; i < 6; i++, r >>= 5) six[i] = (char)('A' + (r & 15) + (r & 16) * 2);
}

static int unused(const char *path) {
  struct stat st;
  return lstat(path, &st) != 0 && errno == ENOENT;
}

int __anymmap_unnamed_tmp(char *template, int flags) {
  int fd = mkostemp(template, flags);
  if (fd >= 0) unlink(template);
  return fd;
}

FILE *tmpfile(void) {
  char s[] = "/tmp/tmpfile_XXXXXX";
  int fd = __anymmap_unnamed_tmp(s, 0);
  if (fd < 0) return NULL;
  FILE *f = fdopen(fd, "w+");
  if (!f) close(fd);
  return f;
}

char *tmpnam(char *buf) {
  static char internal[L_tmpnam];
  char s[] = "/tmp/tmpnam_XXXXXX";
  for (int try = 0; try < MAX_TRIES; try++) {
    random_name(s + 12);
    if (unused(s)) return strcpy(buf ? buf : internal, s);
  }
  return NULL;
}

char *tempnam(const char *dir, const char *pfx) {
  char s[PATH_MAX];
  if (!dir) dir = P_tmpdir;
  if (!pfx) pfx = "temp";
  size_t dl = strlen(dir), pl = strlen(pfx), l = dl + 1 + pl + 1 + 6;
  if (l >= PATH_MAX) {
    errno = ENAMETOOLONG;
    return NULL;
  }
  memcpy(s, dir, dl);
  s[dl] = '/';
  memcpy(s + dl + 1, pfx, pl);
  s[dl + 1 + pl] = '_';
  s[l] = 0;
  for (int try = 0; try < MAX_TRIES; try++) {
    random_name(s + l - 6);
    if (unused(s)) return strdup(s);
  }
  return NULL;
}
