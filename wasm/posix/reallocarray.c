#include <errno.h>
#include <stdlib.h>

/* reallocarray(3) failed to link (Emscripten builds no musl malloc/). */
void *reallocarray(void *ptr, size_t n, size_t size) {
  if (size && n > (size_t)-1 / size) {
    errno = ENOMEM;
    return NULL;
  }
  return realloc(ptr, n * size);
}
