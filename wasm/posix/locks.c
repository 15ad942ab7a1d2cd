/*
 * Advisory locks, process-local: fcntl's POSIX record locks (F_SETLK,
 * F_SETLKW, F_GETLK), Linux's open file description locks (F_OFD_*) and
 * flock. One program is one process, so only Linux's in-process rules can
 * apply: a process never conflicts with its own POSIX locks; OFD locks
 * conflict with the process's POSIX locks and with other open file
 * descriptions' OFD locks; flock locks are a separate kind, held per open
 * file description. Other processes' locks on the host file are not seen
 * (WASI has no lock calls). A wait that could only end by another thread or
 * process releasing (F_SETLKW, flock without LOCK_NB) fails with EDEADLK
 * instead of hanging: nothing else can release it here.
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
  int64_t start = base + fl->l_start, end;
  if (fl->l_len > 0) {
    end = start + fl->l_len;
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
      fl->l_type = F_UNLCK;
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
  return set_range(dev, ino, start, end, fl->l_type, owner, 0);
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
  return __anymmap_ret(set_range(dev, ino, 0, TO_EOF, type, owner, 1));
}

int __anymmap_ofd_shared(int fd);

void __anymmap_locks_on_close(int fd) {
  uint64_t dev, ino;
  if (!nlocks || file_id(fd, &dev, &ino, NULL)) return;
  long ofd = __anymmap_ofd_shared(fd) ? 0 : __anymmap_ofd(fd);
  for (size_t i = 0; i < nlocks;) {
    struct lock *l = &locks[i];
    if (same_file(l, dev, ino) &&
        ((!l->flock && l->owner == PROCESS_OWNER) || (ofd && l->owner == ofd)))
      drop(i);
    else
      i++;
  }
}
