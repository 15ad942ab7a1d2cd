/* stat, lstat, fstatat and access of /dev/stdin, /dev/stdout, /dev/stderr,
 * /dev/fd/N and /proc/self/fd/N find what open finds: they answered ENOENT
 * while open of the same names worked. stat follows the name to the
 * descriptor's file (fstat of N), lstat sees the symbolic link Linux has
 * there, and a descriptor that is not open has no name (ENOENT). */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facts.h"

static int same(const struct stat *a, const struct stat *b) {
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
         (a->st_mode & S_IFMT) == (b->st_mode & S_IFMT);
}

/* The name of descriptor fd against fstat(fd); shown is the name as printed
 * (descriptor numbers past stdio are anymmap's own). */
static void show(const char *path, const char *shown, int fd) {
  struct stat st, want;
  char label[64];
  fstat(fd, &want);
  snprintf(label, sizeof label, "stat %s", shown);
  CALL(label, stat(path, &st));
  printf("  same file as fstat: %d\n", same(&st, &want));
  if (fd > 2 && S_ISREG(want.st_mode)) printf("  size %lld\n", (long long)st.st_size);
  snprintf(label, sizeof label, "fstatat %s", shown);
  CALL(label, fstatat(AT_FDCWD, path, &st, 0));
  printf("  same file as fstat: %d\n", same(&st, &want));
  snprintf(label, sizeof label, "lstat %s", shown);
  CALL(label, lstat(path, &st));
  printf("  link %d\n", S_ISLNK(st.st_mode));
  snprintf(label, sizeof label, "access %s F_OK", shown);
  CALL(label, access(path, F_OK));
  snprintf(label, sizeof label, "access %s R_OK", shown);
  CALL(label, access(path, R_OK));
}

int main(void) {
  show("/dev/stdin", "/dev/stdin", 0);
  show("/dev/stdout", "/dev/stdout", 1);
  show("/dev/stderr", "/dev/stderr", 2);
  show("/dev/fd/1", "/dev/fd/1", 1);
  show("/proc/self/fd/2", "/proc/self/fd/2", 2);

  int fd = open("dev_fd_stat.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (write(fd, "twelve bytes", 12) != 12) printf("short write\n");
  char name[64];
  snprintf(name, sizeof name, "/dev/fd/%d", fd);
  show(name, "/dev/fd/N", fd);
  CALL("access /dev/fd/N R_OK|W_OK", access(name, R_OK | W_OK));
  CALL("access /dev/fd/N X_OK", access(name, X_OK));
  snprintf(name, sizeof name, "/proc/self/fd/%d", fd);
  show(name, "/proc/self/fd/N", fd);
  /* The name follows the descriptor: a dup2 over it shows the new file. */
  int dir = open(".", O_RDONLY | O_DIRECTORY);
  CALL("dup2(dir, fd) == fd", dup2(dir, fd) == fd ? 0 : -1);
  struct stat st;
  CALL("stat /proc/self/fd/N after dup2 of a directory", stat(name, &st));
  printf("  dir %d\n", S_ISDIR(st.st_mode));
  CALL("access /proc/self/fd/N X_OK", access(name, X_OK));
  close(fd);
  close(dir);

  /* Closed: no such name, whichever call asks. */
  char short_name[64];
  snprintf(short_name, sizeof short_name, "/dev/fd/%d", fd);
  CALL("stat /dev/fd/N closed", stat(short_name, &st));
  CALL("stat /proc/self/fd/N closed", stat(name, &st));
  CALL("lstat /proc/self/fd/N closed", lstat(name, &st));
  CALL("access /proc/self/fd/N closed", access(name, F_OK));
  CALL("stat /dev/fd/99", stat("/dev/fd/99", &st));
  CALL("lstat /dev/fd/99", lstat("/dev/fd/99", &st));
  CALL("access /dev/fd/99", access("/dev/fd/99", F_OK));
  CALL("stat /dev/fd/1x", stat("/dev/fd/1x", &st));
  CALL("stat /dev/fd/01", stat("/dev/fd/01", &st));
  CALL("open /dev/fd/01", open("/dev/fd/01", O_RDONLY));
  CALL("stat /dev/stdinx", stat("/dev/stdinx", &st));
  unlink("dev_fd_stat.data");
  return 0;
}
