/* A write to a pipe whose reader is gone. Ignored or handled, SIGPIPE
 * leaves the write failing with EPIPE; by default it ends the program,
 * which Linux reports as killed by SIGPIPE and `anymmap run` as exit status
 * 141 (what a shell shows for both), with what the program stored through a
 * MAP_SHARED mapping in the file. */
/* corpus-runs: ignored | handled | default | read */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void on_sigpipe(int sig) {
  printf("handler: signal %d\n", sig);
}

static void write_to_dead_pipe(const char *mode) {
  int ends[2];
  if (pipe(ends) != 0) return;
  close(ends[0]);
  errno = 0;
  ssize_t r = write(ends[1], "x", 1);
  printf("%s: write %zd %s\n", mode, r, r < 0 && errno == EPIPE ? "EPIPE" : "?");
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "default";
  if (strcmp(mode, "read") == 0) {
    char buf[16] = {0};
    int fd = open("stored", O_RDONLY);
    printf("file: %s\n", fd >= 0 && read(fd, buf, sizeof buf - 1) > 0 ? buf : "(nothing)");
    return 0;
  }
  if (strcmp(mode, "ignored") == 0) signal(SIGPIPE, SIG_IGN);
  if (strcmp(mode, "handled") == 0) signal(SIGPIPE, on_sigpipe);
  int fd = open("stored", O_RDWR | O_CREAT | O_TRUNC, 0644);
  ftruncate(fd, 4096);
  char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  strcpy(p, mode);
  fflush(stdout);
  write_to_dead_pipe(mode);
  printf("%s: after the write\n", mode);
  return 0;
}
