/*
 * The anymmap core (the C files of wasm/src/) compiled for the host instead of
 * WebAssembly, for fuzzing with libFuzzer and the sanitizers (fuzz/). Force-
 * include this header (-include) into every translation unit of the core and
 * of code that calls it, with -I wasm/native so that <wasi/api.h> is the shim
 * in wasm/native/wasi/. It
 *  - renames the POSIX entry points (mmap, munmap, ...) to anymmap_hosted_*,
 *    so that they do not replace libc's; callers that include this header
 *    write mmap(...) and get anymmap's;
 *  - gives errno names Emscripten's (WASI) numbers, which the shim returns;
 *  - declares what wasm/native/ provides: linear memory (a 4 GiB reservation
 *    at anymmap_base), the in-memory file system behind the WASI calls
 *    (memfs.h), and resets for running many fuzz inputs in one process.
 * Pointers passed to the core must lie in [anymmap_base, anymmap_base + 4 GiB):
 * a NULL hint is anymmap_base (linear address 0), not NULL.
 */
#ifndef ANYMMAP_HOSTED_H
#define ANYMMAP_HOSTED_H

#ifdef __wasm__
#error "anymmap_hosted.h is for native builds only"
#endif

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
/* libc's declarations under libc's names, before the renaming below; later
 * includes of <sys/mman.h> are no-ops. */
#include <sys/mman.h>

#include "errno_wasi.h"
#include "memfs.h"

#define mmap          anymmap_hosted_mmap
#define munmap        anymmap_hosted_munmap
#define msync         anymmap_hosted_msync
#define mprotect      anymmap_hosted_mprotect
#define mremap        anymmap_hosted_mremap
#define madvise       anymmap_hosted_madvise
#define posix_madvise anymmap_hosted_posix_madvise
#define mincore       anymmap_hosted_mincore

void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);
int munmap(void *addr, size_t length);
int msync(void *addr, size_t length, int flags);
int mprotect(void *addr, size_t length, int prot);
void *mremap(void *old_address, size_t old_size, size_t new_size, int flags, ...);
int madvise(void *addr, size_t length, int advice);
int posix_madvise(void *addr, size_t length, int advice);
int mincore(void *addr, size_t length, unsigned char *vec);

/* Linear memory: 4 GiB reserved (not committed) by anymmap_hosted_init. */
#define ANYMMAP_NATIVE_MEMORY_SIZE (UINT64_C(1) << 32)
/* The lowest linear address a mapping may take; in WebAssembly, the C heap
 * lies below it. */
#define ANYMMAP_NATIVE_AREA_START  (40u << 20)
extern uintptr_t anymmap_base;

/* Reserves linear memory (once) and empties the file system: 0, or -1 when
 * the reservation fails. */
int anymmap_hosted_init(void);

/* Start the next fuzz input from the state of a fresh process. Only valid
 * once nothing is mapped and no descriptor is open: the caller checks that. */
void anymmap_hosted_reset_vm(void);
void anymmap_hosted_reset_files(void);

#endif
