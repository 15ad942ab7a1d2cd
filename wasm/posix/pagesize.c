#include <unistd.h>

/* The page size of anymmap's mmap (Linux's), not WebAssembly's 64 KiB memory
 * page that Emscripten's libc reports: programs align offsets and round
 * lengths with it. sysconf is wrapped (`anymmap cc` links with
 * --wrap=sysconf) so that every other name keeps libc's answer. */
long __real_sysconf(int name);

long __wrap_sysconf(int name) {
  if (name == _SC_PAGESIZE) return 4096; /* _SC_PAGE_SIZE is the same number */
  return __real_sysconf(name);
}

int getpagesize(void) {
  return 4096;
}
