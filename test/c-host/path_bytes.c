/* File names that are not UTF-8 (a Latin-1 byte) and names that differ only
 * by a leading byte-order mark. anymmap's hosts take paths as strings: each
 * name must stay its own file, never two names one file. Not a differential
 * program: Linux creates the Latin-1 names, anymmap refuses them with
 * EILSEQ. The test puts a host file whose name is not UTF-8 beside them:
 * it is not listed (its name cannot be passed back), the rest is. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *outcome(int r) {
  return r >= 0 ? "ok" : errno == EILSEQ ? "EILSEQ" : strerror(errno);
}

static int create(const char *name, const char *contents) {
  int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return -1;
  ssize_t n = write(fd, contents, strlen(contents));
  close(fd);
  return n < 0 ? -1 : 0;
}

static void show(const char *name) {
  char buf[64] = {0};
  int fd = open(name, O_RDONLY);
  if (fd < 0) {
    printf("read: %s\n", outcome(fd));
    return;
  }
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  printf("read: %s\n", n < 0 ? "error" : buf);
}

int main(void) {
  struct stat st;
  printf("create a\\xff: %s\n", outcome(create("latin-\xff", "ff")));
  printf("create a\\xfe: %s\n", outcome(create("latin-\xfe", "fe")));
  printf("mkdir \\xe9: %s\n", outcome(mkdir("dir-\xe9", 0755)));
  printf("stat \\xff: %s\n", outcome(stat("latin-\xff", &st)));
  printf("rename to \\xff: %s\n",
         outcome(create("plain", "p") == 0 ? rename("plain", "latin-\xff") : -1));
  printf("symlink to \\xff: %s\n", outcome(symlink("latin-\xff", "link")));
  printf("create BOM+name: %s\n", outcome(create("\xef\xbb\xbfname", "with BOM")));
  printf("create name: %s\n", outcome(create("name", "without")));
  show("\xef\xbb\xbfname");
  show("name");
  int entries = 0;
  DIR *d = opendir(".");
  for (struct dirent *e; d && (e = readdir(d));)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) entries++;
  if (d) closedir(d);
  printf("entries: %d\n", entries);
  return 0;
}
