/* poll(2) and select(2) on files: regular files are always ready, a
 * descriptor that is not open is POLLNVAL (select: EBADF), a negative one
 * is skipped, and poll of nothing waits out its timeout. They answered
 * ENOSYS. */
#include <fcntl.h>
#include <poll.h>
#include <sys/select.h>
#include <unistd.h>

#include "facts.h"

int main(void) {
  int fd = open("polled", O_CREAT | O_RDWR | O_TRUNC, 0644);
  int ro = open("polled", O_RDONLY);
  struct pollfd p[4] = {
      {fd, POLLIN | POLLOUT, 0}, {ro, POLLIN, 0}, {-1, POLLIN, 0}, {99, POLLIN, 0}};
  CALL("poll four", poll(p, 4, 1000));
  printf("revents: %#x %#x %#x %#x\n", p[0].revents, p[1].revents, p[2].revents, p[3].revents);
  CALL("poll nothing for 10 ms", poll(NULL, 0, 10));
  fd_set r, w;
  FD_ZERO(&r);
  FD_ZERO(&w);
  FD_SET(fd, &r);
  FD_SET(fd, &w);
  FD_SET(ro, &r);
  struct timeval zero = {0, 0};
  CALL("select", select(ro + 1, &r, &w, NULL, &zero));
  printf("readable %d %d, writable %d\n", FD_ISSET(fd, &r), FD_ISSET(ro, &r), FD_ISSET(fd, &w));
  /* Linux's select ignores descriptors past the size of the process's
   * descriptor table (64 until it grows), so the closed one stays below. */
  int closed = dup(fd);
  close(closed);
  FD_ZERO(&r);
  FD_SET(closed, &r);
  CALL("select a closed descriptor", select(closed + 1, &r, NULL, NULL, &zero));
  struct timeval short_wait = {0, 10000};
  CALL("select nothing for 10 ms", select(0, NULL, NULL, NULL, &short_wait));
  close(ro);
  close(fd);
  return 0;
}
