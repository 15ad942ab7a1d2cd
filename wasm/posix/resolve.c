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
    /* One byte before the name holds '/': name - 1 is an absolute preopen's guest path. */
    char *raw = malloc(len + 1), *name = malloc(len + 2 > 3 ? len + 2 : 3);
    if (!raw || !name || __wasi_fd_prestat_dir_name(fd, (uint8_t *)raw, len) ||
        (raw[len] = 0, normalize(raw, name + 1))) {
      free(raw);
      free(name);
      continue;
    }
    name[0] = '/';
    preopens[npreopens++] = (struct preopen){fd, raw[0] == '/', name + 1};
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

/* The working directory as a guest path: absolute ("/data/x"), or relative
 * to the preopened "." ("x/y"; "" for "." itself, where every run starts). */
static char cwd[ANYMMAP_PATH_MAX];

/* Guest paths of open descriptors (what fchdir needs, and the base of
 * openat's relative paths), set by openat; preopens have their names. */
#define TRACKED_FDS 4096
static char *fd_paths[TRACKED_FDS];

/* base joined with path ("" base: path itself), normalized into out as a
 * guest path: 0 or ENAMETOOLONG. */
static int join(const char *base, const char *path, char *out) {
  size_t b = strlen(base), p = strlen(path);
  if (b + 1 + p >= 2 * ANYMMAP_PATH_MAX) return ENAMETOOLONG;
  char joined[2 * ANYMMAP_PATH_MAX];
  memcpy(joined, base, b);
  size_t n = b;
  if (b && p) joined[n++] = '/';
  memcpy(joined + n, path, p + 1);
  char norm[ANYMMAP_PATH_MAX];
  int absolute = joined[0] == '/', err = normalize(joined, norm);
  if (err) return err;
  if (absolute + strlen(norm) >= ANYMMAP_PATH_MAX) return ENAMETOOLONG;
  out[0] = '/';
  strcpy(out + absolute, norm);
  return 0;
}

static const char *fd_path(int fd) {
  if (fd >= 0 && fd < TRACKED_FDS && fd_paths[fd]) return fd_paths[fd];
  if (npreopens < 0) scan_preopens();
  for (int i = 0; i < npreopens; i++)
    if (preopens[i].fd == fd) return preopens[i].absolute ? preopens[i].name - 1 : preopens[i].name;
  return NULL;
}

int __anymmap_guest_path(int dirfd, const char *path, char *out) {
  if (!path) return EFAULT;
  if (!path[0]) return ENOENT;
  if (strlen(path) >= ANYMMAP_PATH_MAX) return ENAMETOOLONG;
  const char *base = path[0] == '/' ? "" : dirfd == AT_FDCWD ? cwd : fd_path(dirfd);
  if (!base) return EBADF;
  return join(base, path, out);
}

void __anymmap_fd_path_set(int fd, int dirfd, const char *path) {
  if (fd < 0 || fd >= TRACKED_FDS) return;
  free(fd_paths[fd]);
  fd_paths[fd] = NULL;
  char guest[ANYMMAP_PATH_MAX];
  if (!__anymmap_guest_path(dirfd, path, guest)) fd_paths[fd] = strdup(guest);
}

void __anymmap_fd_path_share(int fd, int from) {
  if (fd < 0 || fd >= TRACKED_FDS) return;
  free(fd_paths[fd]);
  const char *p = fd_path(from);
  fd_paths[fd] = p ? strdup(p) : NULL;
}

void __anymmap_fd_path_forget(int fd) {
  if (fd < 0 || fd >= TRACKED_FDS) return;
  free(fd_paths[fd]);
  fd_paths[fd] = NULL;
}

int __anymmap_fd_path(int fd, char *out) {
  const char *p = fd_path(fd);
  if (!p) return ENOENT;
  strcpy(out, p);
  return 0;
}

/* The absolute name of the preopened ".": an absolute preopen of the same
 * directory (same device and inode), as `--dir HOST:. --dir HOST:/abs`
 * gives; NULL when there is none. */
static const char *dot_absolute(void) {
  if (npreopens < 0) scan_preopens();
  __wasi_filestat_t dot, other;
  int i;
  for (i = 0; i < npreopens; i++)
    if (!preopens[i].absolute && !preopens[i].name[0]) break;
  if (i == npreopens || __wasi_fd_filestat_get(preopens[i].fd, &dot) || !dot.ino) return NULL;
  for (int j = 0; j < npreopens; j++)
    if (preopens[j].absolute && !__wasi_fd_filestat_get(preopens[j].fd, &other) &&
        other.dev == dot.dev && other.ino == dot.ino)
      return preopens[j].name - 1;
  return NULL;
}

int __anymmap_absolute(const char *guest, char *out) {
  if (guest[0] == '/') {
    strcpy(out, guest);
    return 0;
  }
  const char *dot = dot_absolute();
  return dot ? join(dot, guest, out) : ENOENT;
}

int __anymmap_cwd_get(char *out) {
  return __anymmap_absolute(cwd, out);
}

void __anymmap_cwd_set(const char *guest) {
  strcpy(cwd, guest);
}

/* The preopen holding the normalized path (absolute or relative to "."):
 * the longest name that is a leading run of its components; -1 for none. */
static int preopen_of(const char *norm, int absolute, size_t *len) {
  if (npreopens < 0) scan_preopens();
  int best = -1;
  size_t best_len = 0;
  for (int i = 0; i < npreopens; i++) {
    if (preopens[i].absolute != absolute) continue;
    size_t n = component_prefix(preopens[i].name, norm);
    if (n == (size_t)-1 || (best >= 0 && n < best_len)) continue;
    best = i;
    best_len = n;
  }
  *len = best_len;
  return best;
}

/* The preopen and path inside it for path, relative ones from base (a
 * guest path). */
static int resolve_from(const char *base, const char *path, int *dir, char *rel) {
  char full[ANYMMAP_PATH_MAX];
  if (path[0] != '/' && base[0]) {
    int err = join(base, path, full);
    if (err) return err;
    path = full;
  }
  char norm[ANYMMAP_PATH_MAX];
  int err = normalize(path, norm);
  if (err) return err;
  int absolute = path[0] == '/';
  size_t len;
  int best = preopen_of(norm, absolute, &len);
  /* A relative path that climbs out of "." ("../ChangeLog") goes through
   * "."'s absolute name when it has one and an absolute preopen holds the
   * result, as on Linux and as chdir("..") does (cwd.c): it was left to the
   * host, which refuses to leave "." (EACCES), so gzip's `make check` could
   * not read ../ChangeLog while `cd ..` worked. Otherwise the host still
   * refuses it. */
  char abs[ANYMMAP_PATH_MAX], absnorm[ANYMMAP_PATH_MAX];
  size_t abslen;
  int absbest;
  if (!absolute && norm[0] == '.' && norm[1] == '.' && (norm[2] == '/' || !norm[2]) &&
      !__anymmap_absolute(norm, abs) && !normalize(abs, absnorm) &&
      (absbest = preopen_of(absnorm, 1, &abslen)) >= 0) {
    strcpy(norm, absnorm);
    best = absbest;
    len = abslen;
  }
  if (best < 0) return ENOENT;
  const char *rest = norm + len;
  while (*rest == '/') rest++;
  *dir = preopens[best].fd;
  strcpy(rel, *rest ? rest : ".");
  return 0;
}

int __anymmap_path_tail(const char *path) {
  size_t n = strlen(path);
  int slash = 0;
  while (n > 1 && path[n - 1] == '/') {
    n--;
    slash = 1;
  }
  size_t start = n;
  while (start > 0 && path[start - 1] != '/') start--;
  if (n - start == 1 && path[start] == '.') return PATH_TAIL_DOT;
  if (n - start == 2 && path[start] == '.' && path[start + 1] == '.') return PATH_TAIL_DOTDOT;
  return slash ? PATH_TAIL_SLASH : PATH_TAIL_NONE;
}

int __anymmap_is_dir(int dir, const char *rel) {
  __wasi_filestat_t st;
  int err = __wasi_path_filestat_get(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, rel, strlen(rel), &st);
  if (err) return err;
  return st.filetype == __WASI_FILETYPE_DIRECTORY ? 0 : ENOTDIR;
}

/* A path that ends in "/", "/." or "/.." names a directory: a file there is
 * ENOTDIR, as Linux says (normalized away, "file/" was the file, and
 * unlink("file/") deleted it). A missing "name/" is left to the call, which
 * may create it (mkdir "new/"); a missing "name/." is ENOENT. */
static int tail_check(const char *path, int dir, const char *rel) {
  int tail = __anymmap_path_tail(path);
  if (tail == PATH_TAIL_NONE) return 0;
  int err = __anymmap_is_dir(dir, rel);
  return err == ENOTDIR || (err == ENOENT && tail != PATH_TAIL_SLASH) ? err : 0;
}

int __anymmap_resolve(int dirfd, const char *path, int *dir, char *rel) {
  if (!path) return EFAULT;
  if (!path[0]) return ENOENT;
  if (strlen(path) >= ANYMMAP_PATH_MAX) return ENAMETOOLONG;
  if (path[0] != '/' && dirfd != AT_FDCWD) {
    /* The host resolves it against that directory and keeps it inside. */
    *dir = dirfd;
    strcpy(rel, path);
    return tail_check(path, *dir, rel);
  }
  int err = resolve_from(cwd, path, dir, rel);
  return err ? err : tail_check(path, *dir, rel);
}

int __anymmap_resolve_guest(const char *guest, int *dir, char *rel) {
  return resolve_from("", guest[0] ? guest : ".", dir, rel);
}
