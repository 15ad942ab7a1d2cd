/*
 * Emscripten's musl (1.2.2) <pthread.h>, and pthread_getname_np, which musl
 * declares only from 1.2.3 (posix/prctl.c defines it).
 */
#include_next <pthread.h>

#ifndef ANYMMAP_PTHREAD_H
#define ANYMMAP_PTHREAD_H
#ifdef _GNU_SOURCE
int pthread_getname_np(pthread_t, char *, size_t);
#endif
#endif
