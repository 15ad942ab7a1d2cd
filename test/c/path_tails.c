/* A path's end means something the lexical normalization of guest paths
 * forgets: "name/" must be a directory (a file there is ENOTDIR, and
 * unlink("file/") must not delete it), and "dir/." or "dir/.." is refused by
 * rmdir, unlink and rename (EINVAL, EISDIR, EBUSY) instead of removing or
 * replacing the directory. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facts.h"

static void reset(void) {
  unlink("d/file");
  unlink("d/file2");
  unlink("newf");
  rmdir("d/e");
  rmdir("empty");
  rmdir("moved");
  rmdir("nx");
  mkdir("d", 0755);
  mkdir("d/e", 0755);
  mkdir("empty", 0755);
  int fd = open("d/file", O_CREAT | O_WRONLY | O_TRUNC, 0644);
  if (write(fd, "data", 4) != 4) printf("write failed\n");
  close(fd);
}

#define T(label, expr) \
  do {                 \
    reset();           \
    CALL(label, expr); \
  } while (0)

int main(void) {
  struct stat st;
  T("stat file/", stat("d/file/", &st));
  T("lstat file/", lstat("d/file/", &st));
  T("access file/", access("d/file/", F_OK));
  T("open file/", open("d/file/", O_RDONLY));
  T("open O_CREAT new/", open("newf/", O_CREAT | O_WRONLY, 0644));
  CALL("  new exists", access("newf", F_OK));
  T("unlink file/", unlink("d/file/"));
  CALL("  file exists", access("d/file", F_OK));
  T("rename file to file2/", rename("d/file", "d/file2/"));
  T("rename file/ to file2", rename("d/file/", "d/file2"));
  CALL("  file exists", access("d/file", F_OK));
  T("stat e/../file", stat("d/e/../file", &st));
  T("stat file/.", stat("d/file/.", &st));
  T("mkdir missing/.", mkdir("nx/.", 0755));
  CALL("  missing exists", access("nx", F_OK));
  T("mkdir new/", mkdir("nx/", 0755));
  CALL("  new exists", access("nx", F_OK));
  T("rmdir empty/.", rmdir("empty/."));
  CALL("  empty exists", access("empty", F_OK));
  T("rmdir empty/./", rmdir("empty/./"));
  T("rmdir e/..", rmdir("d/e/.."));
  T("rmdir .", rmdir("."));
  T("unlink empty/.", unlink("empty/."));
  T("rename empty/. to moved", rename("empty/.", "moved"));
  CALL("  empty exists", access("empty", F_OK));
  T("rename empty to d/.", rename("empty", "d/."));
  T("rename empty to e/..", rename("empty", "d/e/.."));
  CALL("  d/e exists", access("d/e", F_OK));
  T("rename empty to moved/", rename("empty", "moved/"));
  CALL("  moved exists", access("moved", F_OK));
  T("mkdir .", mkdir(".", 0755));
  return 0;
}
