#include <errno.h>
#include <spawn.h>
#include <stdlib.h>

/* A WebAssembly program cannot start another process (docs/c-programs.md).
 * system() failed to link; it now says what Linux's does where no child
 * can be made: system(NULL) is 0 (no command processor), a command -1 with
 * errno ENOSYS, as popen's NULL. posix_spawn returned -1 where it returns
 * an error number: ENOSYS; posix_spawnp failed to link. */

int system(const char *command) {
  if (!command) return 0;
  errno = ENOSYS;
  return -1;
}

int __wrap_posix_spawn(pid_t *restrict pid, const char *restrict path,
                       const posix_spawn_file_actions_t *actions,
                       const posix_spawnattr_t *restrict attr, char *const argv[restrict],
                       char *const envp[restrict]) {
  (void)pid, (void)path, (void)actions, (void)attr, (void)argv, (void)envp;
  return ENOSYS;
}

int posix_spawnp(pid_t *restrict pid, const char *restrict file,
                 const posix_spawn_file_actions_t *actions, const posix_spawnattr_t *restrict attr,
                 char *const argv[restrict], char *const envp[restrict]) {
  return __wrap_posix_spawn(pid, file, actions, attr, argv, envp);
}

/* daemon failed to link. glibc's forks first and returns fork's -1: fork
 * is ENOSYS here, so is daemon, and the program goes on in the foreground. */
int daemon(int nochdir, int noclose) {
  (void)nochdir, (void)noclose;
  errno = ENOSYS;
  return -1;
}
