/* stdin, stdout and stderr can be duplicated, as programs do to put stdout
 * on a file for a while and take it back (dup, dup2, fcntl F_DUPFD), and
 * /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N name the
 * program's own descriptors (`-o /dev/stdout`). anymmap answered EINVAL to
 * every dup of stdio and ENOENT to those names. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facts.h"

static void say(int fd, const char *text) {
  if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) printf("short write\n");
}

int main(void) {
  fflush(stdout);
  int saved = dup(1);
  printf("dup(1) %s\n", saved >= 3 ? "is a new descriptor" : errname(errno));
  fflush(stdout);
  say(saved, "through the duplicate\n");
  struct stat a, b;
  printf("same kind as stdout: %d\n", fstat(1, &a) == 0 && fstat(saved, &b) == 0 &&
                                          (a.st_mode & S_IFMT) == (b.st_mode & S_IFMT));
  fflush(stdout);

  /* stdout onto a file for a while, then back. */
  int file = open("dup_stdio.out", O_RDWR | O_CREAT | O_TRUNC, 0644);
  CALL("dup2(file, 1)", dup2(file, 1));
  close(file);
  printf("into the file\n");
  fflush(stdout);
  CALL("dup2(saved, 1)", dup2(saved, 1));
  CALL("close(saved)", close(saved));
  printf("back on stdout\n");
  char line[64] = {0};
  FILE *f = fopen("dup_stdio.out", "r");
  printf("the file holds: %s", f && fgets(line, sizeof line, f) ? line : "nothing\n");
  if (f) fclose(f);
  unlink("dup_stdio.out");

  int high = fcntl(2, F_DUPFD, 20);
  printf("F_DUPFD of stderr from 20: %d\n", high);
  say(high, "stderr through F_DUPFD\n");
  close(high);
  CALL("dup(0) then close", close(dup(0)));
  fflush(stdout);

  /* The names, with a pipe in stdout's place (the harness's stdout may be a socket, which Linux
   * does not open by name: ENXIO). */
  int keep = dup(1), p[2];
  if (keep < 0 || pipe(p)) return 1;
  dup2(p[1], 1);
  static const char *names[] = {"/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"};
  int opened[3];
  for (unsigned i = 0; i < 3; i++) {
    int fd = opened[i] = open(names[i], O_WRONLY);
    if (fd >= 0) {
      say(fd, names[i]);
      say(fd, " took it\n");
      close(fd);
    }
  }
  FILE *out = fopen("/dev/stdout", "w");
  if (out) {
    fprintf(out, "fopen(/dev/stdout) took it\n");
    fclose(out);
  }
  int still = fcntl(1, F_GETFD) >= 0;
  dup2(keep, 1);
  close(keep);
  close(p[1]);
  for (unsigned i = 0; i < 3; i++)
    printf("open %s: %s\n", names[i], opened[i] >= 0 ? "ok" : errname(errno));
  printf("stdout still open after closing them: %d\n", still);
  char piped[256] = {0};
  ssize_t n = read(p[0], piped, sizeof piped - 1);
  printf("the pipe got %zd bytes:\n%s", n, n > 0 ? piped : "");
  close(p[0]);
  int bad = open("/dev/fd/77", O_RDONLY);
  printf("open /dev/fd/77 (not open): %s\n", bad >= 0 ? "ok" : errname(errno));
  return 0;
}
