/* opendir/readdir/closedir over a directory with many files, rewinddir,
 * telldir/seekdir, scandir, fdopendir and their errors. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facts.h"

static int cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Count, types and a checksum of the sorted names: readdir's order is the file system's. */
static void list(const char *label, DIR *d) {
  char *names[1000];
  int n = 0, dots = 0, dirs = 0, regs = 0;
  struct dirent *e;
  errno = 0;
  while ((e = readdir(d)) != NULL) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) {
      dots++;
      continue;
    }
    if (e->d_type == DT_DIR) dirs++;
    if (e->d_type == DT_REG) regs++;
    if (n < 1000) names[n++] = strdup(e->d_name);
  }
  printf("%s: errno %s, %d entries, %d dots, %d dirs, %d files\n", label, errname(errno), n, dots, dirs, regs);
  qsort(names, (size_t)n, sizeof *names, cmp);
  uint64_t h = 0;
  for (int i = 0; i < n; i++) h = h * 31 + sum(names[i], strlen(names[i])), free(names[i]);
  printf("%s: names %016llx\n", label, (unsigned long long)h);
}

int main(void) {
  CALL("mkdir", mkdir("many", 0755));
  char path[64];
  for (int i = 0; i < 500; i++) {
    snprintf(path, sizeof path, "many/file-with-a-longish-name-%03d", i);
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    if (fd < 0) return 1;
    close(fd);
  }
  CALL("mkdir sub", mkdir("many/sub", 0755));
  DIR *d = opendir("many");
  printf("opendir: %s\n", d ? "ok" : errname(errno));
  list("first pass", d);
  rewinddir(d);
  list("after rewinddir", d);
  rewinddir(d);
  for (int i = 0; i < 100; i++) readdir(d);
  long at = telldir(d);
  struct dirent *e = readdir(d);
  char name[256];
  strcpy(name, e->d_name);
  for (int i = 0; i < 50; i++) readdir(d);
  seekdir(d, at);
  e = readdir(d);
  printf("seekdir back: same entry %d\n", e && strcmp(e->d_name, name) == 0);
  CALL("unlink one", unlink("many/file-with-a-longish-name-007"));
  rewinddir(d);
  list("after unlink and rewinddir", d);
  printf("dirfd valid: %d\n", fcntl(dirfd(d), F_GETFD) >= 0);
  CALL("closedir", closedir(d));

  errno = 0;
  printf("opendir missing: %s\n", opendir("missing") ? "ok" : errname(errno));
  int fd = open("plain", O_WRONLY | O_CREAT, 0644);
  close(fd);
  errno = 0;
  printf("opendir file: %s\n", opendir("plain") ? "ok" : errname(errno));
  fd = open("many/sub", O_RDONLY | O_DIRECTORY);
  d = fdopendir(fd);
  printf("fdopendir: %s\n", d ? "ok" : errname(errno));
  list("empty sub", d);
  closedir(d);
  fd = open("plain", O_RDONLY);
  errno = 0;
  printf("fdopendir file: %s\n", fdopendir(fd) ? "ok" : errname(errno));
  close(fd);

  struct dirent **found;
  int n = scandir(".", &found, NULL, alphasort);
  printf("scandir: %d:", n);
  for (int i = 0; i < n; i++) printf(" %s", found[i]->d_name), free(found[i]);
  printf("\n");
  free(found);
  return 0;
}
