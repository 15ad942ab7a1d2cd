#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include "posix.h"

/* Preopened directories, found once: the host numbers them from 3, and a
 * program cannot have closed them before its first path call. A name that
 * does not start with '/' ("." or "data") is relative to the working
 * directory. */
#define MAX_PREOPENS 64
static struct preopen {
  int fd, absolute;
  char *name; /* normalized: no leading, trailing or double '/', "" for the root */
} preopens[MAX_PREOPENS];
static int npreopens = -1;

/* Lexical normalization: drops empty and "." components; ".." removes the
 * previous component, or stays when there is none in a relative path (the
 * host then refuses to leave the directory). Returns 0 or ENAMETOOLONG. */
static int normalize(const char *in, char *out) {
  size_t n = 0;
  int absolute = in[0] == '/';
  while (*in) {
    while (*in == '/') in++;
    const char *end = in;
    while (*end && *end != '/') end++;
    size_t len = (size_t)(end - in);
    int dotdot = len == 2 && in[0] == '.' && in[1] == '.';
    size_t last = n;
    while (last > 0 && out[last - 1] != '/') last--;
    int last_is_dotdot = n - last == 2 && out[last] == '.' && out[last + 1] == '.';
    if (len == 0 || (len == 1 && in[0] == '.')) {
      /* nothing */
    } else if (dotdot && n > 0 && !last_is_dotdot) {
      n = last > 0 ? last - 1 : 0;
    } else if (dotdot && absolute) {
      /* "/.." is "/" */
    } else {
      if (n + (n > 0) + len >= ANYMMAP_PATH_MAX) return ENAMETOOLONG;
      if (n > 0) out[n++] = '/';
      memcpy(out + n, in, len);
      n += len;
    }
    in = end;
  }
  out[n] = 0;
  return 0;
}

static void scan_preopens(void) {
  npreopens = 0;
  for (int fd = 3; npreopens < MAX_PREOPENS; fd++) {
    __wasi_prestat_t ps;
    if (__wasi_fd_prestat_get(fd, &ps)) break;
    if (ps.pr_type != __WASI_PREOPENTYPE_DIR) continue;
    size_t len = ps.u.dir.pr_name_len;
    char *raw = malloc(len + 1), *name = malloc(len + 1 > 2 ? len + 1 : 2);
    if (!raw || !name || __wasi_fd_prestat_dir_name(fd, (uint8_t *)raw, len) ||
        (raw[len] = 0, normalize(raw, name))) {
      free(raw);
      free(name);
      continue;
    }
    preopens[npreopens++] = (struct preopen){fd, raw[0] == '/', name};
    free(raw);
  }
}

/* Whether prefix is path or a leading run of its components. */
static size_t component_prefix(const char *prefix, const char *path) {
  size_t n = strlen(prefix);
  if (n == 0) return 0;
  if (strncmp(prefix, path, n) != 0 || (path[n] != 0 && path[n] != '/')) return (size_t)-1;
  return n;
}

int __anymmap_resolve(int dirfd, const char *path, int *dir, char *rel) {
  if (!path) return EFAULT;
  if (!path[0]) return ENOENT;
  if (strlen(path) >= ANYMMAP_PATH_MAX) return ENAMETOOLONG;
  if (path[0] != '/' && dirfd != AT_FDCWD) {
    /* The host resolves it against that directory and keeps it inside. */
    *dir = dirfd;
    strcpy(rel, path);
    return 0;
  }
  char norm[ANYMMAP_PATH_MAX];
  int err = normalize(path, norm);
  if (err) return err;
  if (npreopens < 0) scan_preopens();
  int absolute = path[0] == '/', best = -1;
  size_t best_len = 0;
  for (int i = 0; i < npreopens; i++) {
    if (preopens[i].absolute != absolute) continue;
    size_t n = component_prefix(preopens[i].name, norm);
    if (n == (size_t)-1 || (best >= 0 && n < best_len)) continue;
    best = i;
    best_len = n;
  }
  if (best < 0) return ENOENT;
  const char *rest = norm + best_len;
  while (*rest == '/') rest++;
  *dir = preopens[best].fd;
  strcpy(rel, *rest ? rest : ".");
  return 0;
}
