#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "posix.h"

/* Named semaphores failed to link. One program is one process, so the
 * names live in a table in its memory (Linux's live in /dev/shm, shared
 * between processes: no other process could use them here), with glibc's
 * answers (2.36): leading slashes are skipped; an empty name, one with a
 * '/' further on or one too long for /dev/shm's "sem.NAME" is EINVAL to
 * sem_open and ENOENT to sem_unlink; O_CREAT makes a missing one (a value over SEM_VALUE_MAX is
 * EINVAL), O_EXCL refuses an existing one (EEXIST), and without O_CREAT a
 * missing one is ENOENT. Opening a name again gives the same semaphore at
 * the same address; sem_unlink removes the name (ENOENT if there is none)
 * while those who opened it keep using it until their last sem_close. */

struct named {
  struct named *next;
  sem_t sem; /* first in use: sem_close finds the entry by its address */
  unsigned opens;
  int linked;
  char name[NAME_MAX + 1];
};

static struct named *all;

/* The name without its leading slashes, or NULL for a name glibc refuses
 * ("sem." + name is the file's name in /dev/shm on Linux). */
static const char *sem_name(const char *name) {
  while (*name == '/') name++;
  size_t len = strlen(name);
  if (len == 0 || strchr(name, '/') || len + 4 > NAME_MAX) return NULL;
  return name;
}

static struct named *find(const char *name) {
  for (struct named *n = all; n; n = n->next)
    if (n->linked && strcmp(n->name, name) == 0) return n;
  return NULL;
}

static void drop(struct named *gone) {
  for (struct named **p = &all; *p; p = &(*p)->next)
    if (*p == gone) {
      *p = gone->next;
      free(gone);
      return;
    }
}

int __wrap_sem_init(sem_t *sem, int pshared, unsigned value);

sem_t *sem_open(const char *name, int flags, ...) {
  name = sem_name(name);
  if (!name) return __anymmap_ret(EINVAL), SEM_FAILED;
  struct named *n = find(name);
  if (n && (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
    return __anymmap_ret(EEXIST), SEM_FAILED;
  if (!n) {
    if (!(flags & O_CREAT)) return __anymmap_ret(ENOENT), SEM_FAILED;
    va_list ap;
    va_start(ap, flags);
    (void)va_arg(ap, mode_t);
    unsigned value = va_arg(ap, unsigned);
    va_end(ap);
    if (value > SEM_VALUE_MAX) return __anymmap_ret(EINVAL), SEM_FAILED;
    n = calloc(1, sizeof *n);
    if (!n) return __anymmap_ret(ENOMEM), SEM_FAILED;
    strcpy(n->name, name);
    n->linked = 1;
    __wrap_sem_init(&n->sem, 1, value);
    n->next = all;
    all = n;
  }
  n->opens++;
  return &n->sem;
}

int sem_close(sem_t *sem) {
  for (struct named *n = all; n; n = n->next)
    if (&n->sem == sem) {
      if (--n->opens == 0 && !n->linked) drop(n);
      return 0;
    }
  return __anymmap_ret(EINVAL);
}

int sem_unlink(const char *name) {
  name = sem_name(name);
  if (!name) return __anymmap_ret(ENOENT);
  struct named *n = find(name);
  if (!n) return __anymmap_ret(ENOENT);
  n->linked = 0;
  if (n->opens == 0) drop(n);
  return 0;
}
