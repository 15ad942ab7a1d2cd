/* The working directory (getcwd, chdir, fchdir and relative paths after
 * them), realpath, mkstemp/mkdtemp, rename across directories, fsync and
 * fdatasync of a directory, posix_fallocate. argv[1] is the run directory's
 * absolute name, as the program sees it. */
/* corpus-runs: @DIR@ */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facts.h"

static const char *top;

/* The working directory relative to the run directory ("=" for itself). */
static void cwd(const char *label) {
  char buf[PATH_MAX];
  errno = 0;
  if (!getcwd(buf, sizeof buf)) {
    printf("%s: getcwd NULL %s\n", label, errname(errno));
    return;
  }
  size_t n = strlen(top);
  if (strncmp(buf, top, n) == 0)
    printf("%s: cwd =%s\n", label, buf + n);
  else
    printf("%s: cwd outside the run directory\n", label);
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
    printf("%s: realpath %s\n", label, r);
}

static void put(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || write(fd, text, strlen(text)) < 0) printf("put %s: %s\n", path, errname(errno));
  close(fd);
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

static long long size_of(int fd) {
  struct stat st;
  return fstat(fd, &st) ? -1 : (long long)st.st_size;
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  top = argv[1];

  /* getcwd and chdir */
  cwd("start");
  char small[4];
  errno = 0;
  char *got = getcwd(small, sizeof small);
  printf("getcwd small buffer: %s %s\n", got ? "ok" : "NULL", errname(errno));
  errno = 0;
  got = getcwd(small, 0);
  printf("getcwd size 0: %s %s\n", got ? "ok" : "NULL", errname(errno));
  char *heap = getcwd(NULL, 0);
  printf("getcwd NULL: %s\n", heap && strcmp(heap, top) == 0 ? "same" : "differs");
  free(heap);
  CALL("mkdir a", mkdir("a", 0755));
  CALL("mkdir a/b", mkdir("a/b", 0755));
  CALL("mkdir c", mkdir("c", 0755));
  put("a/b/f", "in b");
  put("c/g", "in c");
  CALL("chdir a/b", chdir("a/b"));
  cwd("in a/b");
  show("read f", "f");
  show("read ../../c/g", "../../c/g");
  put("new", "made in b");
  CALL("chdir ..", chdir(".."));
  cwd("in a");
  show("read b/new", "b/new");
  CALL("chdir missing", chdir("missing"));
  CALL("chdir file", chdir("b/f"));
  CALL("chdir empty", chdir(""));
  cwd("still in a");
  CALL("chdir absolute", chdir(top));
  cwd("back");
  int cdir = open("c", O_RDONLY | O_DIRECTORY);
  CALL("fchdir c", fchdir(cdir));
  cwd("in c");
  show("read g", "g");
  CALL("fchdir bad", fchdir(1000));
  int file = open("g", O_RDONLY);
  CALL("fchdir file", fchdir(file));
  close(file);
  int top_fd = open(top, O_RDONLY | O_DIRECTORY);
  CALL("fchdir top", fchdir(top_fd));
  cwd("top again");
  int sub = openat(top_fd, "a/b", O_RDONLY | O_DIRECTORY);
  CALL("fchdir openat a/b", fchdir(sub));
  cwd("in a/b via openat");
  CALL("chdir ../..", chdir("../.."));
  close(sub);
  close(top_fd);

  /* realpath */
  real("realpath .", ".");
  real("realpath a/b/../b/./f", "a/b/../b/./f");
  real("realpath c/", "c/");
  real("realpath missing", "missing");
  real("realpath a/missing/x", "a/missing/x");
  real("realpath a/b/f/x", "a/b/f/x");
  char *dup = realpath("c/g", NULL);
  printf("realpath NULL buffer: %s\n",
         dup && strncmp(dup, top, strlen(top)) == 0 ? dup + strlen(top) : "?");
  free(dup);
  CALL("chdir c", chdir("c"));
  real("realpath ../a/b from c", "../a/b");
  CALL("chdir ..", chdir(".."));

  /* mkstemp, mkstemps, mkdtemp */
  char t1[] = "tmp-XXXXXX";
  int tfd = mkstemp(t1);
  printf("mkstemp: %s, name changed %d, length %zu\n", tfd >= 0 ? "fd" : errname(errno),
         strcmp(t1, "tmp-XXXXXX") != 0, strlen(t1));
  CALL("mkstemp write", write(tfd, "temp", 4));
  struct stat st;
  CALL("mkstemp stat", stat(t1, &st));
  printf("mkstemp is regular %d, size %lld\n", S_ISREG(st.st_mode), (long long)st.st_size);
  close(tfd);
  CALL("unlink mkstemp", unlink(t1));
  char t2[] = "bad-XXXX";
  CALL("mkstemp bad template", mkstemp(t2));
  char t3[] = "a/b/tmp-XXXXXX.suffix";
  tfd = mkstemps(t3, 7);
  printf("mkstemps: %s, suffix kept %d\n", tfd >= 0 ? "fd" : errname(errno),
         strcmp(t3 + strlen(t3) - 7, ".suffix") == 0);
  close(tfd);
  char t4[] = "dir-XXXXXX";
  char *d = mkdtemp(t4);
  printf("mkdtemp: %s\n", d ? "ok" : errname(errno));
  CALL("mkdtemp stat", stat(t4, &st));
  printf("mkdtemp is dir %d\n", S_ISDIR(st.st_mode));
  char t5[] = "missing/dir-XXXXXX";
  errno = 0;
  printf("mkdtemp in missing: %s\n", mkdtemp(t5) ? "ok" : errname(errno));

  /* rename across directories */
  put("a/moved", "moving");
  CALL("rename a/moved c/moved", rename("a/moved", "c/moved"));
  show("c/moved", "c/moved");
  show("a/moved", "a/moved");
  char abs_from[PATH_MAX], abs_to[PATH_MAX];
  snprintf(abs_from, sizeof abs_from, "%s/c/moved", top);
  CALL("rename absolute to relative", rename(abs_from, "a/b/moved"));
  show("a/b/moved", "a/b/moved");
  snprintf(abs_to, sizeof abs_to, "%s/moved-dir", top);
  CALL("rename dir a/b to absolute", rename("a/b", abs_to));
  show("moved-dir/f", "moved-dir/f");
  CALL("rename into itself", rename("moved-dir", "moved-dir/inner"));
  CALL("rename dir over file", rename("moved-dir", "c/g"));
  CALL("rename file over dir", rename("c/g", "moved-dir"));
  CALL("rename missing", rename("nothing", "c/nothing"));
  CALL("renameat dirfds",
       renameat(open("c", O_RDONLY | O_DIRECTORY), "g", open("a", O_RDONLY | O_DIRECTORY), "g2"));
  show("a/g2", "a/g2");

  /* fsync and fdatasync of a directory */
  int dfd = open("c", O_RDONLY | O_DIRECTORY);
  CALL("fsync dir", fsync(dfd));
  CALL("fdatasync dir", fdatasync(dfd));
  close(dfd);
  dfd = open(".", O_RDONLY);
  CALL("fsync . O_RDONLY", fsync(dfd));
  close(dfd);
  CALL("fsync bad", fsync(1000));

  /* posix_fallocate: returns the error number */
  int fd = open("alloc", O_RDWR | O_CREAT | O_TRUNC, 0644);
  printf("fallocate 0+8192: %s\n", errname(posix_fallocate(fd, 0, 8192)));
  printf("size %lld\n", size_of(fd));
  printf("fallocate inside: %s\n", errname(posix_fallocate(fd, 100, 100)));
  printf("size %lld\n", size_of(fd));
  printf("fallocate past end: %s\n", errname(posix_fallocate(fd, 10000, 5000)));
  printf("size %lld\n", size_of(fd));
  char buf[16384];
  printf("zeros read %zd\n", pread(fd, buf, sizeof buf, 0));
  SUM("contents", buf, 15000);
  char *m = mmap(NULL, 15000, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  printf("map: %s\n", m == MAP_FAILED ? errname(errno) : "mapped");
  m[14999] = 7;
  printf("fallocate under mapping: %s\n", errname(posix_fallocate(fd, 0, 20000)));
  printf("size %lld\n", size_of(fd));
  printf("pread sees mapping %zd\n", pread(fd, buf, 1, 14999));
  printf("byte %d\n", buf[0]);
  munmap(m, 15000);
  printf("fallocate len 0: %s\n", errname(posix_fallocate(fd, 0, 0)));
  printf("fallocate len -1: %s\n", errname(posix_fallocate(fd, 0, -1)));
  printf("fallocate offset -1: %s\n", errname(posix_fallocate(fd, -1, 10)));
  close(fd);
  fd = open("alloc", O_RDONLY);
  printf("fallocate read-only: %s\n", errname(posix_fallocate(fd, 0, 30000)));
  close(fd);
  printf("fallocate bad fd: %s\n", errname(posix_fallocate(1000, 0, 10)));
  dfd = open("c", O_RDONLY | O_DIRECTORY);
  printf("fallocate dir: %s\n", errname(posix_fallocate(dfd, 0, 10)));
  close(dfd);
  return 0;
}
