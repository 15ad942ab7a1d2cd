#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>

#include "posix.h"

#define MFD_NOEXEC_SEAL 0x0008U
#define MFD_EXEC        0x0010U

/* memfd_create(2): a file in /tmp (every run has an in-memory one) that is
 * unlinked at once, so it has no name and goes with its last descriptor;
 * reads, writes, ftruncate and MAP_SHARED mappings work as on Linux.
 * Linux's checks: EFAULT for no name, EINVAL for a name over 249 bytes or
 * an unknown flag. MFD_HUGETLB is EINVAL (no huge pages here); seals are
 * not kept (fcntl F_ADD_SEALS is EINVAL). Emscripten's standalone library
 * has none. */
int memfd_create(const char *name, unsigned flags) {
  if (!name) return __anymmap_ret(EFAULT);
  if (strlen(name) > 249 || flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL | MFD_EXEC))
    return __anymmap_ret(EINVAL);
  char path[] = "/tmp/memfd_XXXXXX";
  return __anymmap_unnamed_tmp(path, flags & MFD_CLOEXEC ? O_CLOEXEC : 0);
}
