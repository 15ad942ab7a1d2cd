#include "../src/internal.h"
#include "posix.h"

static int writeback_file(int file) {
  for (uint32_t id = files[file].shared_head; id; id = objects[id].next_in_file) {
    int err = writeback(objects[id].first, objects[id].end);
    if (err) return err;
  }
  return 0;
}

int __anymmap_writeback_fd(int fd) {
  struct fd_info info;
  int err = fd_info(fd, &info);
  if (err) return err;
  int file = file_find(info.dev, info.ino);
  return file < 0 ? 0 : writeback_file(file);
}

int __anymmap_writeback_all(void) {
  int first = 0;
  for (int i = 0; i < (int)files_used; i++) {
    if (!files[i].in_use) continue;
    int err = writeback_file(i);
    if (err && !first) first = err;
  }
  return first;
}
