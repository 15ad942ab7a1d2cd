/* readdir's "." and ".." carry the inode numbers stat gives the directory
 * and its parent (find, du and cp compare them). */
#include <dirent.h>
#include <sys/stat.h>

#include "facts.h"

static void dots(const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *e;
  while (d && (e = readdir(d))) {
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) continue;
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    struct stat st;
    CALL("lstat", lstat(path, &st));
    printf("%s: d_ino %s st_ino\n", path, e->d_ino == st.st_ino ? "==" : "!=");
  }
  if (d) closedir(d);
}

int main(void) {
  CALL("mkdir", mkdir("top", 0755));
  CALL("mkdir", mkdir("top/sub", 0755));
  dots("top");
  dots("top/sub");
  return 0;
}
