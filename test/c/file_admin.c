/* The calls programs make around their files: hard links (link, linkat),
 * truncate by name (and what a MAP_SHARED mapping of the file then shows),
 * chmod/fchmod/chown (succeed, as for root; the modes themselves are not
 * printed: WASI has none, see docs/c-programs.md), umask, and temporary
 * files in /tmp (tmpfile, tmpnam, mkstemp), which every run has,
 * remove(3), and futimes, lutimes, syncfs, sync_file_range, readahead and
 * memfd_create. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "facts.h"

static long long size_of(const char *path) {
  struct stat st;
  return stat(path, &st) ? -1 : (long long)st.st_size;
}

/* How many names in /tmp look like anymmap's tmpfile's. */
static int tmpfile_names(void) {
  DIR *tmp = opendir("/tmp");
  int n = 0;
  for (struct dirent *e; tmp && (e = readdir(tmp));) n += strncmp(e->d_name, "tmpfile_", 8) == 0;
  if (tmp) closedir(tmp);
  return n;
}

int main(void) {
  int fd = open("data", O_RDWR | O_CREAT | O_TRUNC, 0644);
  CALL("write", write(fd, "0123456789abcdef", 16));

  /* Hard links: one file, two names. */
  CALL("link data alias", link("data", "alias"));
  struct stat a, b;
  CALL("stat data", stat("data", &a));
  CALL("stat alias", stat("alias", &b));
  printf("same inode: %d, nlink %ld\n", a.st_ino == b.st_ino, (long)b.st_nlink);
  int al = open("alias", O_RDWR);
  CALL("pwrite through alias", pwrite(al, "XY", 2, 0));
  char buf[17] = {0};
  CALL("pread through data", pread(fd, buf, 16, 0));
  printf("data reads \"%s\"\n", buf);
  close(al);
  CALL("link again (exists)", link("data", "alias"));
  CALL("link missing", link("missing", "other"));
  CALL("linkat AT_FDCWD", linkat(AT_FDCWD, "data", AT_FDCWD, "third", 0));
  CALL("linkat bad flag", linkat(AT_FDCWD, "data", AT_FDCWD, "fourth", 0x4000));
  CALL("unlink data", unlink("data"));
  printf("alias size after unlink data: %lld\n", size_of("alias"));

  /* truncate by name, under a MAP_SHARED mapping of the file. */
  char *m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
  printf("mapped: %s\n", m == MAP_FAILED ? errname(errno) : "yes");
  CALL("truncate alias 4", truncate("alias", 4));
  printf("size %lld, mapping byte 3 '%c', byte 5 %d\n", size_of("alias"), m[3], m[5]);
  CALL("truncate alias 10", truncate("alias", 10));
  printf("size %lld, mapping byte 5 %d\n", size_of("alias"), m[5]);
  CALL("truncate negative", truncate("alias", -1));
  CALL("truncate missing", truncate("missing", 0));
  CALL("truncate a directory", truncate(".", 0));
  munmap(m, 4096);

  /* Modes and owners: the calls succeed on what exists. */
  CALL("chmod alias", chmod("alias", 0600));
  CALL("chmod missing", chmod("missing", 0600));
  CALL("fchmod", fchmod(fd, 0640));
  CALL("fchmod bad fd", fchmod(99, 0640));
  CALL("fchmodat", fchmodat(AT_FDCWD, "alias", 0644, 0));
  CALL("chown alias to root", chown("alias", 0, 0));
  CALL("lchown", lchown("alias", 0, 0));
  CALL("fchown", fchown(fd, 0, 0));
  CALL("fchownat missing", fchownat(AT_FDCWD, "missing", 0, 0, 0));
  umask(027);
  printf("umask after umask(027): %03o\n", (unsigned)umask(022));

  /* /tmp: natively the machine's own, which other programs use too, so only names this
   * program's tmpfile could have left count. */
  int before = tmpfile_names();
  FILE *t = tmpfile();
  printf("tmpfile: %s\n", t ? "opened" : errname(errno));
  if (t) {
    fputs("temporary", t);
    rewind(t);
    char line[32] = {0};
    printf("tmpfile reads \"%s\"\n", fgets(line, sizeof line, t) ? line : "?");
    fclose(t);
  }
  /* tmpfile's name is gone once it is open; tmpnam's is free. */
  printf("tmpfile names left in /tmp: %d\n", tmpfile_names() - before);
  char *tn = tmpnam(NULL);
  struct stat tst;
  printf("tmpnam: %s\n", !tn                            ? errname(errno)
                         : strncmp(tn, "/tmp/", 5) != 0 ? "not in /tmp"
                         : lstat(tn, &tst) == 0         ? "taken"
                                                        : "a free name in /tmp");
  /* remove(3): files and empty directories. */
  CALL("mkdir gone", mkdir("gone", 0755));
  CALL("mkdir full", mkdir("full", 0755));
  CALL("open full/x", close(open("full/x", O_CREAT | O_WRONLY, 0644)));
  CALL("remove empty directory", remove("gone"));
  CALL("remove full directory", remove("full"));
  CALL("remove file", remove("full/x"));
  CALL("remove missing", remove("missing"));
  CALL("remove now empty", remove("full"));
  char name[] = "/tmp/anymmap-corpus-XXXXXX";
  int tf = mkstemp(name);
  printf("mkstemp in /tmp: %s\n", tf >= 0 ? "opened" : errname(errno));
  if (tf >= 0) {
    CALL("write temp", write(tf, "abc", 3));
    CALL("unlink temp", unlink(name));
    close(tf);
  }
  close(fd);
  /* Linux calls Emscripten's standalone library lacks (they failed to link). */
  int g = open("stamped", O_RDWR | O_CREAT | O_TRUNC, 0644);
  struct timeval tv[2] = {{1300000000, 0}, {1400000000, 250}};
  struct stat gs;
  CALL("futimes", futimes(g, tv));
  /* Seconds: what is kept below them is the runtime's (docs/c-programs.md). */
  CALL("mtime after futimes", (fstat(g, &gs), gs.st_mtim.tv_sec));
  CALL("futimes now", futimes(g, NULL));
  CALL("lutimes", lutimes("stamped", tv));
  CALL("mtime after lutimes", (lstat("stamped", &gs), gs.st_mtim.tv_sec));
  struct timeval bad[2] = {{1, 1000000}, {1, 0}}, negative[2] = {{1, -1}, {1, 0}};
  CALL("futimes usec 1000000", futimes(g, bad));
  CALL("lutimes usec 1000000", lutimes("stamped", bad));
  CALL("futimes usec -1", futimes(g, negative));
  CALL("futimes closed", futimes(99, tv));
  CALL("syncfs", syncfs(g));
  CALL("syncfs closed", syncfs(99));
  CALL("sync_file_range",
       sync_file_range(g, 0, 0, SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER));
  CALL("sync_file_range bad flags", sync_file_range(g, 0, 0, 8));
  CALL("sync_file_range negative", sync_file_range(g, -1, 0, 0));
  CALL("sync_file_range closed", sync_file_range(99, 0, 0, 0));
  int ends[2];
  CALL("pipe", pipe(ends));
  CALL("sync_file_range pipe", sync_file_range(ends[0], 0, 0, 0));
  CALL("readahead", readahead(g, 0, 4096));
  CALL("readahead pipe", readahead(ends[0], 0, 4096));
  CALL("readahead closed", readahead(99, 0, 4096));
  int write_only = open("stamped", O_WRONLY);
  CALL("readahead write-only", readahead(write_only, 0, 4096));
  int memfd = memfd_create("buffer", MFD_CLOEXEC);
  printf("memfd_create: %s\n", memfd >= 0 ? "opened" : errname(errno));
  CALL("memfd ftruncate", ftruncate(memfd, 2 * PAGE));
  char *ma, *mb;
  MAP("memfd map a", ma, mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0));
  MAP("memfd map b", mb, mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0));
  strcpy(ma + PAGE, "shared");
  printf("memfd through the other mapping: %s\n", mb + PAGE);
  char back[7] = {0};
  CALL("memfd pread", pread(memfd, back, 6, PAGE));
  printf("memfd pread: %s\n", back);
  CALL("memfd size", (fstat(memfd, &gs), gs.st_size));
  CALL("memfd FD_CLOEXEC", fcntl(memfd, F_GETFD));
  CALL("memfd access mode", fcntl(memfd, F_GETFL) & O_ACCMODE);
  char long_name[300];
  memset(long_name, 'x', 299);
  long_name[299] = 0;
  CALL("memfd_create 299-byte name", memfd_create(long_name, 0));
  CALL("memfd_create 249-byte name", memfd_create(long_name + 50, 0) >= 0);
  CALL("memfd_create unknown flag", memfd_create("x", 0x100));
  CALL("memfd_create no name", memfd_create(NULL, 0));
  return 0;
}
