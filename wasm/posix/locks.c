/*
 * Advisory locks: fcntl's POSIX record locks (F_SETLK, F_SETLKW, F_GETLK),
 * Linux's open file description locks (F_OFD_*) and flock. One program is
 * one process, and this table applies Linux's in-process rules: a process
 * never conflicts with its own POSIX locks; OFD locks conflict with the
 * process's POSIX locks and with other open file descriptions' OFD locks;
 * flock locks are a separate kind, held per open file description. A wait
 * that only this program could end (F_SETLKW, flock without LOCK_NB, on a
 * conflict within it) fails with EDEADLK instead of hanging: nothing else
 * can release it here.
 *
 * Other processes: after each change the host is handed, per byte range,
 * the strongest lock the program now holds there (anymmap.fd_lock), and
 * holds exactly that on the host file, so other processes' locks conflict
 * with the program's and theirs with its (F_SETLKW then waits for them, as
 * on Linux); F_GETLK asks the host (anymmap.fd_getlk) when nothing in the
 * program conflicts. A host that cannot (no native library, a browser, an
 * in-memory file) answers ENOTSUP and the locks stay process-local.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "posix.h"

#define PROCESS_OWNER (-1L)
#define TO_EOF        INT64_MAX

/* anymmap.fd_lock's kinds: src/abi/locks.ts. */
#define HOST_RECORD    0
#define HOST_FLOCK     1
#define HOST_NONE_HELD 2

/* Sets the host's lock of `kind` over [start, start+length) (length 0: to
 * the end) to type, waiting if asked: 0 or -errno (-ENOTSUP: process-local
 * only). */
int __anymmap_host_fd_lock(int fd, int kind, int type, int64_t start, int64_t length, int wait)
    __attribute__((__import_module__("anymmap"), __import_name__("fd_lock")));
/* The record lock another process holds that type over the range would
 * conflict with: out gets l_type (F_UNLCK: none), l_start, l_len, l_pid. */
int __anymmap_host_fd_getlk(int fd, int type, int64_t start, int64_t length, int64_t out[4])
    __attribute__((__import_module__("anymmap"), __import_name__("fd_getlk")));

struct lock {
  uint64_t dev, ino;
  int64_t start, end; /* [start, end) */
  long owner;         /* PROCESS_OWNER for POSIX locks, else the OFD */
  short type;         /* F_RDLCK, F_WRLCK */
  char flock;         /* a flock() lock: its own kind */
};

static struct lock *locks;
static size_t nlocks, cap;

static int file_id(int fd, uint64_t *dev, uint64_t *ino, __wasi_filestat_t *st) {
  __wasi_filestat_t s;
  int err = __wasi_fd_filestat_get(fd, &s);
  if (err) return err;
  *dev = s.dev;
  *ino = s.ino;
  if (st) *st = s;
  return 0;
}

static int add(struct lock l) {
  if (nlocks == cap) {
    size_t n = cap ? cap * 2 : 16;
    struct lock *p = realloc(locks, n * sizeof *p);
    if (!p) return ENOLCK;
    locks = p;
    cap = n;
  }
  locks[nlocks++] = l;
  return 0;
}

static void drop(size_t i) {
  locks[i] = locks[--nlocks];
}

static int same_file(const struct lock *l, uint64_t dev, uint64_t ino) {
  return l->dev == dev && l->ino == ino;
}

/* The first lock of another owner that [start, end) of type conflicts with. */
static struct lock *conflict(uint64_t dev, uint64_t ino, int64_t start, int64_t end, short type,
                             long owner, int flock) {
  for (size_t i = 0; i < nlocks; i++) {
    struct lock *l = &locks[i];
    if (!same_file(l, dev, ino) || l->flock != flock || l->owner == owner) continue;
    if (l->start >= end || start >= l->end) continue;
    if (type == F_WRLCK || l->type == F_WRLCK) return l;
  }
  return NULL;
}

/* Replaces owner's locks over [start, end) with type (F_UNLCK: none),
 * merging with its adjacent locks of the same type, as Linux does. */
static int set_range(uint64_t dev, uint64_t ino, int64_t start, int64_t end, short type, long owner,
                     int flock) {
  for (size_t i = 0; i < nlocks;) {
    struct lock *l = &locks[i];
    if (!same_file(l, dev, ino) || l->owner != owner || l->flock != flock) {
      i++;
      continue;
    }
    if (type != F_UNLCK && l->type == type && l->start <= end && start <= l->end) {
      /* Overlapping or adjacent, same type: absorbed into the new range. */
      if (l->start < start) start = l->start;
      if (l->end > end) end = l->end;
      drop(i);
      continue;
    }
    if (l->start >= end || start >= l->end) {
      i++;
      continue;
    }
    /* Overlaps: keep the parts outside [start, end). */
    struct lock before = *l, after = *l;
    drop(i);
    if (before.start < start) {
      before.end = start;
      if (add(before)) return ENOLCK;
    }
    if (after.end > end) {
      after.start = end;
      if (add(after)) return ENOLCK;
    }
  }
  if (type == F_UNLCK) return 0;
  return add((struct lock){dev, ino, start, end, owner, type, (char)flock});
}

/* Whether the host ever took a lock: only then can it hold something to let go of at close. */
static int host_used;

static int rank(short type) {
  return type == F_WRLCK ? 2 : type == F_RDLCK ? 1 : 0;
}

/* The strongest lock of the kind any owner holds on the file at offset at. */
static short strongest(const struct lock *t, size_t n, uint64_t dev, uint64_t ino, int flock,
                       int64_t at) {
  short type = F_UNLCK;
  for (size_t i = 0; i < n; i++) {
    const struct lock *l = &t[i];
    if (same_file(l, dev, ino) && l->flock == flock && l->start <= at && at < l->end &&
        rank(l->type) > rank(type))
      type = l->type;
  }
  return type;
}

static int by_offset(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

static int host_set(int fd, int flock, short type, int64_t start, int64_t end, int wait) {
  return __anymmap_host_fd_lock(fd, flock ? HOST_FLOCK : HOST_RECORD, type, start,
                                end == TO_EOF ? 0 : end - start, wait);
}

/*
 * Brings the host's locks of one kind on the file from what `old` held to
 * what the table holds now: first every range whose strongest lock grew
 * (these can fail, or wait, on another process's lock; a failure puts the
 * ranges already grown back and returns the errno), then every range whose
 * lock shrank (these cannot fail). 0 or an errno; ENOTSUP from the host is
 * success: the locks are process-local there.
 */
static int host_sync(int fd, uint64_t dev, uint64_t ino, int flock, const struct lock *old,
                     size_t nold, int wait) {
  size_t n = 0, cap_at = 2 * (nold + nlocks) + 1;
  int64_t *at = malloc(cap_at * sizeof *at);
  if (!at) return ENOLCK;
  for (int pass = 0; pass < 2; pass++) {
    const struct lock *t = pass ? locks : old;
    size_t tn = pass ? nlocks : nold;
    for (size_t i = 0; i < tn; i++) {
      if (!same_file(&t[i], dev, ino) || t[i].flock != flock) continue;
      at[n++] = t[i].start;
      at[n++] = t[i].end;
    }
  }
  qsort(at, n, sizeof *at, by_offset);
  int err = 0;
  /* Pass 0 grows, pass 1 shrinks; a failed grow undoes pass 0 up to where it stopped. */
  for (int pass = 0; pass < 2 && !err; pass++) {
    for (size_t i = 0; i + 1 < n && !err; i++) {
      if (at[i] == at[i + 1]) continue;
      int64_t start = at[i], end = at[i + 1];
      short before = strongest(old, nold, dev, ino, flock, start);
      short now = strongest(locks, nlocks, dev, ino, flock, start);
      if (pass == 0 ? rank(now) <= rank(before) : rank(now) >= rank(before)) continue;
      /* Adjacent ranges with the same change go in one call. */
      while (i + 2 < n && (at[i + 1] == at[i + 2] ||
                           (strongest(old, nold, dev, ino, flock, at[i + 1]) == before &&
                            strongest(locks, nlocks, dev, ino, flock, at[i + 1]) == now))) {
        i++;
        end = at[i + 1];
      }
      int r = host_set(fd, flock, now, start, end, wait);
      if (r == -__WASI_ERRNO_NOTSUP) {
        free(at);
        return 0;
      }
      host_used = 1;
      if (r < 0 && pass == 0) {
        err = -r;
        /* Back to what the host held before, over the ranges grown so far. */
        for (size_t j = 0; j + 1 < n && at[j + 1] <= start; j++) {
          if (at[j] == at[j + 1]) continue;
          short b = strongest(old, nold, dev, ino, flock, at[j]);
          if (rank(strongest(locks, nlocks, dev, ino, flock, at[j])) > rank(b))
            (void)host_set(fd, flock, b, at[j], at[j + 1], 0);
        }
      }
    }
  }
  free(at);
  return err;
}

/* A copy of the table, to compare with and to put back if the host refuses. */
static int snapshot(struct lock **copy, size_t *n) {
  *n = nlocks;
  *copy = malloc((nlocks ? nlocks : 1) * sizeof **copy);
  if (!*copy) return ENOLCK;
  if (nlocks) memcpy(*copy, locks, nlocks * sizeof **copy);
  return 0;
}

static void restore(const struct lock *copy, size_t n) {
  /* The table only ever grows its capacity, so the copy fits. */
  memcpy(locks, copy, n * sizeof *copy);
  nlocks = n;
}

/* set_range, then the same on the host; on failure nothing changed. */
static int set_lock(int fd, uint64_t dev, uint64_t ino, int64_t start, int64_t end, short type,
                    long owner, int flock, int wait) {
  struct lock *old;
  size_t nold;
  if (snapshot(&old, &nold)) return ENOLCK;
  int err = set_range(dev, ino, start, end, type, owner, flock);
  if (!err) err = host_sync(fd, dev, ino, flock, old, nold, wait);
  if (err) restore(old, nold);
  free(old);
  return err;
}

/* F_GETLK, F_SETLK(W), F_OFD_GETLK, F_OFD_SETLK(W): 0 or an errno. */
int __anymmap_fcntl_lock(int fd, int cmd, struct flock *fl) {
  if (!fl) return EFAULT;
  int ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
  int get = cmd == F_GETLK || cmd == F_OFD_GETLK;
  int wait = cmd == F_SETLKW || cmd == F_OFD_SETLKW;
  __wasi_fdstat_t fs;
  int err = __wasi_fd_fdstat_get(fd, &fs);
  if (err) return err;
  if (fl->l_type != F_RDLCK && fl->l_type != F_WRLCK && fl->l_type != F_UNLCK) return EINVAL;
  if (ofd && fl->l_pid != 0) return EINVAL;
  if (!get) {
    if (fl->l_type == F_RDLCK && !(fs.fs_rights_base & __WASI_RIGHTS_FD_READ)) return EBADF;
    if (fl->l_type == F_WRLCK && !(fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE)) return EBADF;
  }
  uint64_t dev, ino;
  __wasi_filestat_t st;
  err = file_id(fd, &dev, &ino, &st);
  if (err) return err;
  int64_t base;
  switch (fl->l_whence) {
    case SEEK_SET:
      base = 0;
      break;
    case SEEK_CUR: {
      __wasi_filesize_t at;
      err = __wasi_fd_tell(fd, &at);
      if (err) return err;
      base = (int64_t)at;
      break;
    }
    case SEEK_END:
      base = (int64_t)st.size;
      break;
    default:
      return EINVAL;
  }
  /* Linux's checks (flock64_to_posix_lock): a range past the largest offset is EOVERFLOW. */
  if (fl->l_start > INT64_MAX - base) return EOVERFLOW;
  int64_t start = base + fl->l_start, end;
  if (start < 0) return EINVAL;
  if (fl->l_len > 0) {
    if (fl->l_len - 1 > INT64_MAX - start) return EOVERFLOW;
    /* A range that ends at the largest offset is one that runs to the end. */
    end = fl->l_len - 1 == INT64_MAX - start ? TO_EOF : start + fl->l_len;
  } else if (fl->l_len < 0) {
    end = start;
    start += fl->l_len;
  } else {
    end = TO_EOF;
  }
  if (start < 0) return EINVAL;
  long owner = ofd ? __anymmap_ofd(fd) : PROCESS_OWNER;
  if (get) {
    if (fl->l_type == F_UNLCK) return EINVAL;
    struct lock *c = conflict(dev, ino, start, end, fl->l_type, owner, 0);
    if (!c) {
      int64_t held[4];
      int r = __anymmap_host_fd_getlk(fd, fl->l_type, start, end == TO_EOF ? 0 : end - start, held);
      if (r < 0 && r != -__WASI_ERRNO_NOTSUP) return -r;
      if (r < 0 || held[0] == F_UNLCK) {
        fl->l_type = F_UNLCK;
        return 0;
      }
      fl->l_type = (short)held[0];
      fl->l_whence = SEEK_SET;
      fl->l_start = held[1];
      fl->l_len = held[2];
      fl->l_pid = (pid_t)held[3];
      return 0;
    }
    fl->l_type = c->type;
    fl->l_whence = SEEK_SET;
    fl->l_start = c->start;
    fl->l_len = c->end == TO_EOF ? 0 : c->end - c->start;
    fl->l_pid = c->owner == PROCESS_OWNER ? getpid() : -1;
    return 0;
  }
  if (fl->l_type != F_UNLCK && conflict(dev, ino, start, end, fl->l_type, owner, 0))
    return wait ? EDEADLK : EAGAIN;
  return set_lock(fd, dev, ino, start, end, fl->l_type, owner, 0, wait);
}

/* flock(2) as __wrap_flock (-Wl,--wrap=flock): Emscripten's libstubs.a
 * member that programs calling getpwnam or getgrnam pull in defines flock
 * too, and two definitions would not link. */
int __wrap_flock(int fd, int op) {
  int nb = op & LOCK_NB;
  op &= ~LOCK_NB;
  if (op != LOCK_SH && op != LOCK_EX && op != LOCK_UN) return __anymmap_ret(EINVAL);
  uint64_t dev, ino;
  int err = file_id(fd, &dev, &ino, NULL);
  if (err) return __anymmap_ret(err);
  long owner = __anymmap_ofd(fd);
  short type = op == LOCK_SH ? F_RDLCK : op == LOCK_EX ? F_WRLCK : F_UNLCK;
  if (type != F_UNLCK && conflict(dev, ino, 0, TO_EOF, type, owner, 1))
    return __anymmap_ret(nb ? EWOULDBLOCK : EDEADLK);
  err = set_lock(fd, dev, ino, 0, TO_EOF, type, owner, 1, !nb);
  return __anymmap_ret(err == EAGAIN ? EWOULDBLOCK : err);
}

int __anymmap_ofd_shared(int fd);

void __anymmap_locks_on_close(int fd) {
  uint64_t dev, ino;
  if ((!nlocks && !host_used) || file_id(fd, &dev, &ino, NULL)) return;
  long ofd = __anymmap_ofd_shared(fd) ? 0 : __anymmap_ofd(fd);
  struct lock *old;
  size_t nold;
  if (snapshot(&old, &nold)) return;
  for (size_t i = 0; i < nlocks;) {
    struct lock *l = &locks[i];
    if (same_file(l, dev, ino) &&
        ((!l->flock && l->owner == PROCESS_OWNER) || (ofd && l->owner == ofd)))
      drop(i);
    else
      i++;
  }
  /* Only releases: these cannot fail. */
  (void)host_sync(fd, dev, ino, 0, old, nold, 0);
  (void)host_sync(fd, dev, ino, 1, old, nold, 0);
  free(old);
  if (host_used) {
    for (size_t i = 0; i < nlocks; i++)
      if (same_file(&locks[i], dev, ino)) return;
    (void)__anymmap_host_fd_lock(fd, HOST_NONE_HELD, F_UNLCK, 0, 0, 0);
  }
}
