/* Advisory locks within one process: POSIX record locks never conflict
 * with the process's own, OFD locks conflict with them and with other open
 * file descriptions, closing any descriptor drops the POSIX locks, flock is
 * per open file description; plus fcntl's descriptor flags and F_DUPFD. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <sys/file.h>
#include <unistd.h>

#include "facts.h"

static void lk(const char *label, int fd, int cmd, short type, off_t start, off_t len) {
  struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
  CALL(label, fcntl(fd, cmd, &fl));
}

static void query(const char *label, int fd, int cmd, short type, off_t start, off_t len) {
  struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
  errno = 0;
  int r = fcntl(fd, cmd, &fl);
  if (r < 0) {
    printf("%s: -1 %s\n", label, errname(errno));
    return;
  }
  if (fl.l_type == F_UNLCK) {
    printf("%s: unlocked\n", label);
    return;
  }
  printf("%s: %s %lld+%lld pid %s\n", label, fl.l_type == F_WRLCK ? "write" : "read",
         (long long)fl.l_start, (long long)fl.l_len,
         fl.l_pid == getpid() ? "self"
         : fl.l_pid == -1     ? "-1"
                              : "other");
}

int main(void) {
  int a = open("db", O_RDWR | O_CREAT | O_TRUNC, 0644);
  int b = open("db", O_RDWR);
  int ro = open("db", O_RDONLY);
  CALL("write", write(a, "0123456789", 10));

  /* POSIX locks: one process never conflicts with itself. */
  lk("posix write 0+10 on a", a, F_SETLK, F_WRLCK, 0, 10);
  lk("posix write 5+10 on b", b, F_SETLK, F_WRLCK, 5, 10);
  query("posix getlk on b", b, F_GETLK, F_WRLCK, 0, 0);
  lk("posix read lock on write-only? read-only fd write", ro, F_SETLK, F_WRLCK, 0, 1);
  lk("posix read on ro", ro, F_SETLK, F_RDLCK, 100, 10);
  lk("bad type", a, F_SETLK, 42, 0, 1);
  lk("negative start", a, F_SETLK, F_WRLCK, -5, 1);
  lk("negative length", a, F_SETLK, F_WRLCK, 20, -5);
  /* Ranges at the end of what off_t holds: Linux's EOVERFLOW, and a lock that reaches the last
   * byte. */
  lk("length past the largest offset", a, F_SETLK, F_WRLCK, LLONG_MAX - 10, 100);
  {
    struct flock fl = {.l_type = F_RDLCK, .l_whence = SEEK_END, .l_start = LLONG_MAX, .l_len = 1};
    CALL("SEEK_END start past the largest offset", fcntl(a, F_SETLK, &fl));
  }
  lk("up to the largest offset", a, F_SETLK, F_WRLCK, LLONG_MAX - 10, 11);
  query("getlk at the largest offset", b, F_OFD_GETLK, F_RDLCK, LLONG_MAX - 1, 1);
  lk("unlock it", a, F_SETLK, F_UNLCK, LLONG_MAX - 10, 11);

  /* OFD locks conflict with the process's POSIX locks and other OFDs. */
  query("ofd getlk over posix", a, F_OFD_GETLK, F_RDLCK, 0, 1);
  query("ofd getlk over adjacent posix", a, F_OFD_GETLK, F_WRLCK, 12, 1);
  lk("ofd write over posix", a, F_OFD_SETLK, F_WRLCK, 0, 1);
  lk("posix unlock 0+0", a, F_SETLK, F_UNLCK, 0, 0);
  query("ofd getlk after unlock", a, F_OFD_GETLK, F_WRLCK, 0, 0);
  lk("ofd write 0+4 on a", a, F_OFD_SETLK, F_WRLCK, 0, 4);
  lk("ofd read 2+4 on b", b, F_OFD_SETLK, F_RDLCK, 2, 4);
  lk("ofd read 4+4 on b", b, F_OFD_SETLK, F_RDLCK, 4, 4);
  query("ofd getlk from b", b, F_OFD_GETLK, F_WRLCK, 0, 0);
  query("posix getlk sees ofd", b, F_GETLK, F_WRLCK, 0, 0);
  lk("posix write over ofd", b, F_SETLK, F_WRLCK, 1, 1);
  lk("ofd with pid", a, F_OFD_SETLK, F_WRLCK, 50, 1);
  int a2 = dup(a);
  printf("dup: %s\n", a2 >= 0 ? "ok" : errname(errno));
  lk("ofd through the dup (same description)", a2, F_OFD_SETLK, F_RDLCK, 0, 4);
  query("b sees the converted lock", b, F_OFD_GETLK, F_WRLCK, 0, 2);
  CALL("close a", close(a));
  query("still held by the dup", b, F_OFD_GETLK, F_WRLCK, 0, 2);
  CALL("close dup", close(a2));
  query("gone with the last descriptor", b, F_OFD_GETLK, F_WRLCK, 0, 2);

  /* Closing any descriptor of the file drops the process's POSIX locks. */
  int c = open("db", O_RDWR);
  lk("posix write 0+1 on c", c, F_SETLK, F_WRLCK, 0, 1);
  query("b ofd sees it", b, F_OFD_GETLK, F_WRLCK, 0, 1);
  CALL("close ro", close(ro));
  query("after closing another descriptor", b, F_OFD_GETLK, F_WRLCK, 0, 1);

  /* flock: per open file description, its own kind of lock. */
  CALL("flock ex c", flock(c, LOCK_EX | LOCK_NB));
  CALL("flock sh b", flock(b, LOCK_SH | LOCK_NB));
  CALL("flock ex c again", flock(c, LOCK_EX | LOCK_NB));
  lk("posix ignores flock", b, F_SETLK, F_WRLCK, 0, 0);
  CALL("flock un c", flock(c, LOCK_UN));
  CALL("flock sh b", flock(b, LOCK_SH | LOCK_NB));
  int d = open("db", O_RDWR);
  CALL("flock sh d", flock(d, LOCK_SH | LOCK_NB));
  CALL("flock ex d", flock(d, LOCK_EX | LOCK_NB));
  CALL("flock bad", flock(d, LOCK_SH | LOCK_EX));
  CALL("close b", close(b));
  CALL("flock ex d after b closed", flock(d, LOCK_EX | LOCK_NB));
  CALL("flock bad fd", flock(99, LOCK_EX));

  /* Descriptor flags. */
  int e = open("db", O_WRONLY | O_APPEND | O_CLOEXEC);
  printf("getfl ro/wo/rw: %d %d\n", fcntl(c, F_GETFL) & (O_ACCMODE | O_APPEND),
         fcntl(e, F_GETFL) & (O_ACCMODE | O_APPEND));
  printf("getfd: %d %d\n", fcntl(c, F_GETFD), fcntl(e, F_GETFD));
  CALL("setfd", fcntl(c, F_SETFD, FD_CLOEXEC));
  printf("getfd after: %d\n", fcntl(c, F_GETFD));
  CALL("setfl nonblock", fcntl(c, F_SETFL, O_NONBLOCK));
  CALL("getfl bad fd", fcntl(99, F_GETFL));
  CALL("bad command", fcntl(c, 9999));
  int f = fcntl(c, F_DUPFD, 20);
  printf("F_DUPFD >= 20: %d\n", f >= 20);
  printf("dup has no cloexec: %d\n", fcntl(f, F_GETFD));
  int g = fcntl(c, F_DUPFD_CLOEXEC, 0);
  printf("F_DUPFD_CLOEXEC: %d\n", fcntl(g, F_GETFD));
  CALL("lseek c", lseek(c, 3, SEEK_SET));
  CALL("dup shares the offset", lseek(f, 0, SEEK_CUR));
  char buf[4] = {0};
  CALL("read via dup", read(g, buf, 2));
  printf("read: %.2s, c at %lld\n", buf, (long long)lseek(c, 0, SEEK_CUR));
  CALL("dup2 onto e", dup2(c, e) == e);
  printf("e now read-write: %d\n", (fcntl(e, F_GETFL) & O_ACCMODE) == O_RDWR);
  CALL("dup2 same", dup2(c, c) == c);
  CALL("dup2 bad", dup2(99, e));
  CALL("dup3 same", dup3(c, c, 0));
  CALL("dup bad", dup(99));
  CALL("close dups", close(f) | close(g) | close(e) | close(c) | close(d));
  return 0;
}
