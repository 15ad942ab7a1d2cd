#include <unistd.h>

/* The page size of anymmap's mmap (Linux's), not WebAssembly's 64 KiB memory
 * page that Emscripten's libc reports: programs align offsets and round
 * lengths with it. sysconf is wrapped (`anymmap cc` links with
 * --wrap=sysconf) so that every other name keeps libc's answer but two. */
long __real_sysconf(int name);

long __wrap_sysconf(int name) {
  switch (name) {
    case _SC_PAGESIZE: /* _SC_PAGE_SIZE is the same number */
      return 4096;
    /* Linux's limits where Emscripten's musl says -1 (none) or another
     * number: the longest line the text utilities handle, a host name. */
    case _SC_LINE_MAX:
      return 2048;
    case _SC_HOST_NAME_MAX:
      return 64;
    default:
      return __real_sysconf(name);
  }
}

int getpagesize(void) {
  return 4096;
}
