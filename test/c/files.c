/* The file calls around mmap: open flags, read/write/lseek, stat family,
 * ftruncate, fsync, unlink, rename, mkdir/rmdir, futimens, access, and
 * their errno values. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facts.h"

static void show(const char *label, const char *path) {
  struct stat st;
  errno = 0;
  if (stat(path, &st) < 0) {
    printf("%s: %s\n", label, errname(errno));
    return;
  }
  /* A directory's size depends on the file system: not printed. */
  if (S_ISDIR(st.st_mode)) printf("%s: dir nlink %ld\n", label, (long)st.st_nlink);
  else printf("%s: %s size %lld nlink %ld\n", label, S_ISREG(st.st_mode) ? "file" : "other", (long long)st.st_size,
              (long)st.st_nlink);
}

int main(void) {
  char buf[64] = {0};
  CALL("open missing", open("nope", O_RDONLY));
  int fd = open("a", O_RDWR | O_CREAT | O_EXCL, 0644);
  printf("create: %s\n", fd >= 0 ? "ok" : errname(errno));
  CALL("create exclusive again", open("a", O_RDWR | O_CREAT | O_EXCL, 0644));
  CALL("write", write(fd, "hello, world", 12));
  CALL("lseek end", lseek(fd, 0, SEEK_END));
  CALL("lseek cur back", lseek(fd, -5, SEEK_CUR));
  CALL("read", read(fd, buf, sizeof buf));
  printf("read: %s\n", buf);
  CALL("read at eof", read(fd, buf, sizeof buf));
  CALL("lseek negative", lseek(fd, -100, SEEK_SET));
  CALL("lseek bad whence", lseek(fd, 0, 42));
  CALL("lseek past end", lseek(fd, 20, SEEK_SET));
  CALL("write past end", write(fd, "!", 1));
  memset(buf, 'x', sizeof buf);
  CALL("pread gap", pread(fd, buf, sizeof buf, 10));
  SUM("gap", buf, 11);
  CALL("pwrite negative offset", pwrite(fd, "x", 1, -1));
  CALL("pread negative offset", pread(fd, buf, 1, -1));
  struct stat st;
  CALL("fstat", fstat(fd, &st));
  printf("fstat size %lld regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
  CALL("ftruncate", ftruncate(fd, 5));
  CALL("fsync", fsync(fd));
  CALL("fdatasync", fdatasync(fd));
  show("after truncate", "a");
  CALL("ftruncate negative", ftruncate(fd, -1));
  struct timespec times[2] = {{1234567890, 0}, {1234567890, 500000000}};
  CALL("futimens", futimens(fd, times));
  CALL("fstat", fstat(fd, &st));
  printf("mtime %lld\n", (long long)st.st_mtim.tv_sec);
  CALL("close", close(fd));
  CALL("close again", close(fd));
  CALL("write closed", write(fd, "x", 1));
  CALL("fstat closed", fstat(fd, &st));

  int ro = open("a", O_RDONLY);
  CALL("write read-only", write(ro, "x", 1));
  CALL("ftruncate read-only", ftruncate(ro, 0));
  int wo = open("a", O_WRONLY | O_TRUNC);
  CALL("read write-only", read(wo, buf, 1));
  show("after O_TRUNC", "a");
  int ap = open("a", O_WRONLY | O_APPEND);
  CALL("append 1", write(ap, "12", 2));
  CALL("append 2", write(ap, "34", 2));
  CALL("pread", pread(ro, buf, sizeof buf, 0));
  printf("appended: %.4s\n", buf);
  CALL("close", close(ro));
  CALL("close", close(wo));
  CALL("close", close(ap));

  CALL("mkdir", mkdir("d", 0755));
  CALL("mkdir again", mkdir("d", 0755));
  CALL("mkdir in missing", mkdir("missing/d", 0755));
  show("dir", "d");
  CALL("open dir for writing", open("d", O_WRONLY));
  int dfd = open("d", O_RDONLY);
  CALL("read dir", read(dfd, buf, 1));
  CALL("close dir", close(dfd));
  CALL("O_DIRECTORY on file", open("a", O_RDONLY | O_DIRECTORY));
  CALL("file as dir", open("a/b", O_RDONLY));
  int in = open("d/inner", O_RDWR | O_CREAT, 0644);
  CALL("write inner", write(in, "inner", 5));
  CALL("close inner", close(in));
  dfd = open("d", O_RDONLY | O_DIRECTORY);
  int at = openat(dfd, "inner", O_RDONLY);
  memset(buf, 0, sizeof buf);
  CALL("read via openat", read(at, buf, sizeof buf));
  printf("openat: %s\n", buf);
  CALL("fstatat", fstatat(dfd, "inner", &st, 0));
  printf("fstatat size %lld\n", (long long)st.st_size);
  CALL("close", close(at));
  CALL("close", close(dfd));
  CALL("rmdir non-empty", rmdir("d"));
  CALL("unlink dir", unlink("d"));
  CALL("rename", rename("d/inner", "moved"));
  show("moved", "moved");
  show("old name", "d/inner");
  CALL("rename missing", rename("nope", "x"));
  CALL("rename over file", rename("moved", "a"));
  show("a after rename", "a");
  CALL("rmdir", rmdir("d"));
  CALL("rmdir again", rmdir("d"));
  CALL("rmdir file", rmdir("a"));
  CALL("access exists", access("a", F_OK));
  CALL("access read", access("a", R_OK | W_OK));
  CALL("access missing", access("nope", F_OK));
  struct stat lst;
  CALL("lstat", lstat("a", &lst));
  printf("lstat regular %d size %lld\n", S_ISREG(lst.st_mode), (long long)lst.st_size);
  CALL("unlink", unlink("a"));
  CALL("unlink again", unlink("a"));
  CALL("stat empty path", stat("", &st));
  FILE *f = fopen("stdio.txt", "w");
  printf("fopen: %s\n", f ? "ok" : errname(errno));
  if (f) {
    fprintf(f, "through stdio %d\n", 42);
    CALL("fclose", fclose(f));
  }
  show("stdio file", "stdio.txt");
  f = fopen("stdio.txt", "r");
  if (f && fgets(buf, sizeof buf, f)) printf("fgets: %s", buf);
  if (f) fclose(f);
  return 0;
}
