/*
 * Emscripten's musl (1.2.2) <stdlib.h>, and glibc's qsort_r, which musl
 * declares only from 1.2.3 (posix/qsort_r.c defines it).
 */
#include_next <stdlib.h>

#ifndef ANYMMAP_STDLIB_H
#define ANYMMAP_STDLIB_H
#if defined(_GNU_SOURCE) || defined(_BSD_SOURCE)
void qsort_r(void *, size_t, size_t, int (*)(const void *, const void *, void *), void *);
#endif
#endif
