#include <stdint.h>
#include <unistd.h>
#include <wasi/api.h>

/* One user: root, as WASI's filestat has no owner and fstat reports
 * st_uid and st_gid 0 (Emscripten's standalone ones are ENOSYS imports that
 * leaked -52). */
uid_t getuid(void) {
  return 0;
}

uid_t geteuid(void) {
  return 0;
}

gid_t getgid(void) {
  return 0;
}

gid_t getegid(void) {
  return 0;
}

/* WASI has no processes. Emscripten's getpid answered 42 in every program,
 * so programs run side by side that name files after their pid (lock
 * files, "file.$$") collided: each run draws one of Linux's pid numbers
 * (2 to 2^22 - 1) at random, and keeps it. */
pid_t getpid(void) {
  static pid_t pid;
  uint32_t r = 0;
  if (!pid) {
    (void)__wasi_random_get((uint8_t *)&r, sizeof r);
    pid = (pid_t)(2 + r % ((1u << 22) - 2));
  }
  return pid;
}
