#include "posix.h"

/* Open file descriptions, numbered: the host shares one file (and position)
 * between dup'ed descriptors but cannot say which descriptors share, which
 * OFD and flock locks need. Descriptors past the table each get their own. */
#define TRACKED_FDS 4096
static long ofd_of[TRACKED_FDS];
static long next_ofd = 1;
/* Descriptors of /dev/zero (devzero.c), which mmap maps as anonymous memory. */
static unsigned char dev_zero[TRACKED_FDS];

void __anymmap_dev_zero_set(int fd, int on) {
  if (fd >= 0 && fd < TRACKED_FDS) dev_zero[fd] = (unsigned char)on;
}

int __anymmap_dev_zero(int fd) {
  return fd >= 0 && fd < TRACKED_FDS && dev_zero[fd];
}

long __anymmap_ofd(int fd) {
  if (fd < 0 || fd >= TRACKED_FDS) return 0x40000000L + fd;
  if (!ofd_of[fd]) ofd_of[fd] = next_ofd++;
  return ofd_of[fd];
}

void __anymmap_ofd_new(int fd) {
  if (fd >= 0 && fd < TRACKED_FDS) ofd_of[fd] = next_ofd++, dev_zero[fd] = 0;
}

void __anymmap_ofd_share(int fd, int from) {
  if (fd >= 0 && fd < TRACKED_FDS)
    ofd_of[fd] = __anymmap_ofd(from), dev_zero[fd] = (unsigned char)__anymmap_dev_zero(from);
}

/* Whether another descriptor shares fd's open file description. */
int __anymmap_ofd_shared(int fd) {
  if (fd < 0 || fd >= TRACKED_FDS || !ofd_of[fd]) return 0;
  for (int i = 0; i < TRACKED_FDS; i++)
    if (i != fd && ofd_of[i] == ofd_of[fd]) return 1;
  return 0;
}

void __anymmap_ofd_forget(int fd) {
  if (fd >= 0 && fd < TRACKED_FDS) ofd_of[fd] = 0, dev_zero[fd] = 0;
}
