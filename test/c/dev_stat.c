/* stat, lstat, fstatat and access of /dev/null and /dev/zero find the
 * devices that open finds: they answered ENOENT, so diffutils' own test
 * `diff - /dev/null` said "/dev/null: No such file or directory". And
 * stdio, the devices and pipes each have their own identity (st_dev,
 * st_ino): all were device 0, inode 0, so cmp took its stdout for
 * /dev/null and printed nothing. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facts.h"

static int same(const struct stat *a, const struct stat *b) {
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static void show(const char *path) {
  struct stat st;
  char label[64];
  snprintf(label, sizeof label, "stat %s", path);
  CALL(label, stat(path, &st));
  printf("  chr %d size %lld\n", S_ISCHR(st.st_mode), (long long)st.st_size);
  snprintf(label, sizeof label, "lstat %s", path);
  CALL(label, lstat(path, &st));
  printf("  chr %d\n", S_ISCHR(st.st_mode));
  snprintf(label, sizeof label, "fstatat %s", path);
  CALL(label, fstatat(AT_FDCWD, path, &st, 0));
  snprintf(label, sizeof label, "access %s F_OK", path);
  CALL(label, access(path, F_OK));
  snprintf(label, sizeof label, "access %s R_OK|W_OK", path);
  CALL(label, access(path, R_OK | W_OK));
  snprintf(label, sizeof label, "access %s X_OK", path);
  CALL(label, access(path, X_OK));
  snprintf(label, sizeof label, "faccessat %s R_OK", path);
  CALL(label, faccessat(AT_FDCWD, path, R_OK, 0));
}

int main(void) {
  show("/dev/null");
  show("/dev/zero");
  struct stat st;
  CALL("stat /dev/no-such-device", stat("/dev/no-such-device", &st));
  CALL("access /dev/no-such-device", access("/dev/no-such-device", F_OK));

  struct stat null, null2, zero, out, p0, p1, q0;
  stat("/dev/null", &null);
  int fd = open("/dev/null", O_WRONLY);
  fstat(fd, &null2);
  stat("/dev/zero", &zero);
  fstat(1, &out);
  int p[2], q[2];
  pipe(p);
  pipe(q);
  fstat(p[0], &p0);
  fstat(p[1], &p1);
  fstat(q[0], &q0);
  printf("stat and fstat of /dev/null: same %d\n", same(&null, &null2));
  printf("/dev/null and /dev/zero: same %d\n", same(&null, &zero));
  printf("stdout and /dev/null: same %d\n", same(&out, &null));
  printf("a pipe's two ends: same %d\n", same(&p0, &p1));
  printf("two pipes: same %d\n", same(&p0, &q0));
  printf("a pipe and stdout: same %d\n", same(&p0, &out));
  return 0;
}
