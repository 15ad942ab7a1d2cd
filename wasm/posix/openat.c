#include <fcntl.h>
#include <stdarg.h>
#include <string.h>

#include "anymmap.h"
#include "posix.h"

#define FILE_RIGHTS                                                                \
  (__WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FILESTAT_GET | \
   __WASI_RIGHTS_FD_SYNC | __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_ADVISE |   \
   __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES)
#define DIR_RIGHTS                                                          \
  (__WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_CREATE_FILE |               \
   __WASI_RIGHTS_PATH_CREATE_DIRECTORY | __WASI_RIGHTS_PATH_FILESTAT_GET |  \
   __WASI_RIGHTS_PATH_FILESTAT_SET_TIMES | __WASI_RIGHTS_PATH_UNLINK_FILE | \
   __WASI_RIGHTS_PATH_REMOVE_DIRECTORY | __WASI_RIGHTS_PATH_RENAME_SOURCE | \
   __WASI_RIGHTS_PATH_RENAME_TARGET | __WASI_RIGHTS_FD_READDIR)

int openat(int dirfd, const char *path, int flags, ...) {
  /* WASI has no file modes: the host creates files with its default. */
  char rel[ANYMMAP_PATH_MAX];
  int dir, err = __anymmap_resolve(dirfd, path, &dir, rel);
  if (err == ENOENT && path && path[0] == '/') {
    /* /dev/zero, /dev/null: unless a --dir provides /dev, the host's. */
    char guest[ANYMMAP_PATH_MAX];
    int fd =
        __anymmap_guest_path(dirfd, path, guest) ? -ENOENT : __anymmap_open_device(guest, flags);
    return fd >= 0 ? fd : __anymmap_ret(-fd);
  }
  if (err) return __anymmap_ret(err);
  /* "new/" with O_CREAT would create a regular file named new: Linux says EISDIR. */
  if ((flags & O_CREAT) && !(flags & O_DIRECTORY) && __anymmap_path_tail(path) != PATH_TAIL_NONE &&
      __anymmap_is_dir(dir, rel) == ENOENT)
    return __anymmap_ret(EISDIR);
  int access = flags & O_ACCMODE;
  if (access != O_RDONLY && access != O_WRONLY && access != O_RDWR) return __anymmap_ret(EINVAL);
  __wasi_oflags_t oflags = 0;
  if (flags & O_CREAT) oflags |= __WASI_OFLAGS_CREAT;
  if (flags & O_EXCL) oflags |= __WASI_OFLAGS_EXCL;
  /* O_TRUNC cuts the file through anymmap_ftruncate once it is open, so that MAP_SHARED mappings
   * of it see it empty (the host's cut at open left their pages as they were); with O_RDONLY, as
   * Linux does when the caller may write the file, through a second, writable descriptor, so that
   * the program's stays read-only. */
  int cut_after = (flags & O_TRUNC) != 0;
  if (flags & O_DIRECTORY) oflags |= __WASI_OFLAGS_DIRECTORY;
  __wasi_rights_t rights = FILE_RIGHTS | DIR_RIGHTS;
  if (access != O_WRONLY) rights |= __WASI_RIGHTS_FD_READ;
  if (access != O_RDONLY) rights |= __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE;
  __wasi_fdflags_t fdflags = 0;
  if (flags & O_APPEND) fdflags |= __WASI_FDFLAGS_APPEND;
  if (flags & O_DSYNC) fdflags |= __WASI_FDFLAGS_DSYNC;
  if ((flags & O_SYNC) == O_SYNC) fdflags |= __WASI_FDFLAGS_SYNC;
  /* O_CREAT|O_EXCL never follows a last component that is a link, even a
   * dangling one: it fails with EEXIST rather than create the target. */
  int exclusive = (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL);
  __wasi_lookupflags_t lookup =
      (flags & O_NOFOLLOW) || exclusive ? 0 : __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;
  __wasi_fd_t fd;
  err = __wasi_path_open(dir, lookup, rel, strlen(rel), oflags, rights, rights, fdflags, &fd);
  /* The host refuses the link as O_NOFOLLOW would (ELOOP); the name exists, which is what O_EXCL
   * says. */
  __wasi_filestat_t st;
  if (err == ELOOP && exclusive && !__wasi_path_filestat_get(dir, 0, rel, strlen(rel), &st) &&
      st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK)
    err = EEXIST;
  if (!err && cut_after && !__wasi_fd_filestat_get(fd, &st)) {
    /* Linux asks for write permission for O_TRUNC, whatever the access mode: a directory is
     * EISDIR, a file the caller may not write EACCES (the host says so opening it writable). */
    __wasi_fd_t cutter = fd;
    __wasi_rights_t cut_rights =
        FILE_RIGHTS | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE;
    if (st.filetype == __WASI_FILETYPE_DIRECTORY)
      err = EISDIR;
    else if (st.filetype == __WASI_FILETYPE_REGULAR_FILE && access == O_RDONLY)
      err = __wasi_path_open(dir, lookup, rel, strlen(rel), 0, cut_rights, cut_rights, 0, &cutter);
    /* The second open goes by name: if the name was given to another file in between, cut
     * nothing (Linux's O_TRUNC cannot race, so the caller is told to try again). */
    __wasi_filestat_t again;
    if (!err && cutter != fd &&
        (__wasi_fd_filestat_get(cutter, &again) || again.dev != st.dev || again.ino != st.ino))
      err = EAGAIN;
    if (!err && st.filetype == __WASI_FILETYPE_REGULAR_FILE && st.size > 0 &&
        anymmap_ftruncate((int)cutter, 0))
      err = errno;
    if (cutter != fd) (void)__wasi_fd_close(cutter);
    if (err) (void)__wasi_fd_close(fd);
  }
  if (err) return __anymmap_ret(err);
  __anymmap_ofd_new((int)fd);
  __anymmap_fd_path_set((int)fd, dirfd, path);
  __anymmap_cloexec_set((int)fd, (flags & O_CLOEXEC) != 0);
  return (int)fd;
}
