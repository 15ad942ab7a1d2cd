/* Advisory locks between processes (test/c-locks.test.ts): the same program
 * built with gcc and with `anymmap cc`, run as two processes on one file.
 *
 *   locks_across hold FILE      takes a write record lock over [0, 100) and
 *                               an exclusive flock, says "held", then waits
 *                               until FILE.release exists, and exits
 *   locks_across probe FILE     what another process sees meanwhile
 *   locks_across wait FILE      F_SETLKW over [0, 100): returns once the
 *                               holder has gone
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

static const char *name(int err) {
  return err == 0 ? "ok" : err == EAGAIN ? "EAGAIN" : err == EACCES ? "EACCES" : strerror(err);
}

static int record(int fd, int cmd, short type, off_t start, off_t len) {
  struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
  return fcntl(fd, cmd, &fl) == 0 ? 0 : errno;
}

static void getlk(int fd, short type, off_t start, off_t len) {
  struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
  if (fcntl(fd, F_GETLK, &fl) != 0) {
    printf("F_GETLK [%lld, +%lld): %s\n", (long long)start, (long long)len, strerror(errno));
    return;
  }
  printf("F_GETLK %s [%lld, +%lld): ", type == F_WRLCK ? "write" : "read", (long long)start,
         (long long)len);
  if (fl.l_type == F_UNLCK)
    printf("none\n");
  else
    printf("%s lock [%lld, +%lld), l_pid %s\n", fl.l_type == F_WRLCK ? "write" : "read",
           (long long)fl.l_start, (long long)fl.l_len, fl.l_pid != 0 ? "set" : "0");
}

int main(int argc, char **argv) {
  if (argc != 3) return 2;
  const char *mode = argv[1], *file = argv[2];
  int fd = open(file, O_RDWR | O_CREAT, 0644);
  if (fd < 0) {
    perror("open");
    return 1;
  }
  if (strcmp(mode, "hold") == 0) {
    int a = record(fd, F_SETLK, F_WRLCK, 0, 100);
    int b = flock(fd, LOCK_EX | LOCK_NB) == 0 ? 0 : errno;
    printf("hold: record %s, flock %s\n", name(a), name(b));
    printf("held\n");
    fflush(stdout);
    char release[4096];
    snprintf(release, sizeof release, "%s.release", file);
    struct timespec nap = {0, 10 * 1000 * 1000};
    while (access(release, F_OK) != 0) nanosleep(&nap, NULL);
    return 0;
  }
  if (strcmp(mode, "probe") == 0) {
    printf("write [50, +10): %s\n", name(record(fd, F_SETLK, F_WRLCK, 50, 10)));
    printf("read [0, +1): %s\n", name(record(fd, F_SETLK, F_RDLCK, 0, 1)));
    printf("write [100, +50): %s\n", name(record(fd, F_SETLK, F_WRLCK, 100, 50)));
    printf("write to EOF from 99: %s\n", name(record(fd, F_SETLK, F_WRLCK, 99, 0)));
    getlk(fd, F_RDLCK, 90, 20);
    getlk(fd, F_WRLCK, 200, 10);
    printf("flock shared: %s\n", name(flock(fd, LOCK_SH | LOCK_NB) == 0 ? 0 : errno));
    /* Its own lock at [100, 150) is released by unlocking it. */
    printf("unlock [100, +50): %s\n", name(record(fd, F_SETLK, F_UNLCK, 100, 50)));
    return 0;
  }
  if (strcmp(mode, "wait") == 0) {
    printf("wait: %s\n", name(record(fd, F_SETLKW, F_WRLCK, 0, 100)));
    getlk(fd, F_WRLCK, 0, 0);
    return 0;
  }
  return 2;
}
