/* Emscripten ships no <sys/sendfile.h>; anymmap provides sendfile
 * (posix/sendfile.c), as Linux's header declares it. */
#ifndef ANYMMAP_SYS_SENDFILE_H
#define ANYMMAP_SYS_SENDFILE_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count);
#define sendfile64 sendfile

#ifdef __cplusplus
}
#endif

#endif
