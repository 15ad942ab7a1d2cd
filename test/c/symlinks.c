/* Symbolic links inside the program's directories: symlink, readlink
 * (cut to the buffer, no NUL), lstat against stat, open and realpath
 * through links, links to directories, dangling links, and the errors.
 * argv[1] is the run directory's absolute name, as the program sees it. */
/* corpus-runs: @DIR@ */
/* Deno lets a program make symbolic links only with read and write
 * permission for the whole file system (a link may point anywhere):
 * corpus-deno: --allow-read --allow-write */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "facts.h"

static const char *top;

static void link_text(const char *label, const char *path, size_t size) {
  char buf[PATH_MAX];
  memset(buf, '#', sizeof buf);
  errno = 0;
  ssize_t n = readlink(path, buf, size);
  if (n < 0)
    printf("%s: readlink -1 %s\n", label, errname(errno));
  else
    printf("%s: readlink %zd \"%.*s\", next byte %s\n", label, n, (int)n, buf,
           buf[n] == '#' ? "untouched" : "written");
}

static void kinds(const char *label, const char *path) {
  struct stat l, s;
  int a = lstat(path, &l), b = stat(path, &s);
  printf("%s: lstat %s, stat %s\n", label,
         a                    ? errname(errno)
         : S_ISLNK(l.st_mode) ? "link"
         : S_ISDIR(l.st_mode) ? "dir"
                              : "file",
         b                    ? errname(errno)
         : S_ISDIR(s.st_mode) ? "dir"
                              : "file");
}

static void show(const char *label, const char *path) {
  char buf[64] = {0};
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    printf("%s: open %s\n", label, errname(errno));
    return;
  }
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  printf("%s: %zd \"%s\"\n", label, n, buf);
}

static void real(const char *label, const char *path) {
  char buf[PATH_MAX];
  errno = 0;
  char *r = realpath(path, buf);
  size_t n = strlen(top);
  if (!r)
    printf("%s: realpath NULL %s\n", label, errname(errno));
  else if (strncmp(r, top, n) == 0)
    printf("%s: realpath =%s\n", label, r + n);
  else
    printf("%s: realpath outside\n", label);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  top = argv[1];
  int fd = open("data.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || write(fd, "linked bytes", 12) != 12) return 1;
  close(fd);
  CALL("mkdir sub", mkdir("sub", 0755));

  CALL("symlink data.txt link", symlink("data.txt", "link"));
  CALL("symlink sub dirlink", symlink("sub", "dirlink"));
  CALL("symlink ../data.txt sub/up", symlink("../data.txt", "sub/up"));
  CALL("symlink missing dangling", symlink("missing", "dangling"));
  CALL("symlink again", symlink("data.txt", "link"));
  CALL("symlink empty target", symlink("", "empty"));
  CALL("symlink into missing dir", symlink("data.txt", "nodir/link"));

  link_text("link", "link", PATH_MAX);
  link_text("link, 4-byte buffer", "link", 4);
  link_text("sub/up", "sub/up", PATH_MAX);
  link_text("dangling", "dangling", PATH_MAX);
  link_text("a regular file", "data.txt", PATH_MAX);
  link_text("a directory", "sub", PATH_MAX);
  link_text("missing", "missing", PATH_MAX);
  char at[PATH_MAX];
  int dfd = open("sub", O_RDONLY | O_DIRECTORY);
  ssize_t n = readlinkat(dfd, "up", at, sizeof at);
  printf("readlinkat sub/up: %zd \"%.*s\"\n", n, n > 0 ? (int)n : 0, at);
  close(dfd);

  kinds("link", "link");
  kinds("dirlink", "dirlink");
  kinds("dangling", "dangling");
  show("open link", "link");
  show("open sub/up", "sub/up");
  show("open dirlink/../data.txt", "dirlink/../data.txt");
  show("open dangling", "dangling");
  fd = open("dangling", O_WRONLY | O_CREAT | O_NOFOLLOW, 0644);
  printf("O_NOFOLLOW on a link: %s\n", fd >= 0 ? "opened" : errname(errno));
  if (fd >= 0) close(fd);
  /* O_CREAT|O_EXCL never goes through a link, even a dangling one. */
  fd = open("dangling", O_WRONLY | O_CREAT | O_EXCL, 0644);
  printf("O_CREAT|O_EXCL on a dangling link: %s\n", fd >= 0 ? "opened" : errname(errno));
  if (fd >= 0) close(fd);
  printf("its target: %s\n", access("missing", F_OK) == 0 ? "created" : errname(errno));

  real("realpath link", "link");
  real("realpath sub/up", "sub/up");
  real("realpath dirlink", "dirlink");
  real("realpath dangling", "dangling");

  CALL("unlink link", unlink("link"));
  show("data.txt after unlink link", "data.txt");
  CALL("unlink dirlink", unlink("dirlink"));
  kinds("sub after unlink dirlink", "sub");
  CALL("rename dangling", rename("dangling", "renamed"));
  link_text("renamed", "renamed", PATH_MAX);
  /* lutimes(3) stamps the link itself, not its target. */
  struct timeval stamps[2] = {{1300000000, 0}, {1400000000, 0}};
  CALL("symlink stamped-link", symlink("target-of-stamps", "stamped-link"));
  CALL("lutimes on a dangling link", lutimes("stamped-link", stamps));
  struct stat stamped;
  CALL("link mtime", (lstat("stamped-link", &stamped), stamped.st_mtim.tv_sec));
  return 0;
}
