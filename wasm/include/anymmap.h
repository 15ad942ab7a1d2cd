/*
 * anymmap: mmap(2) and friends inside WebAssembly linear memory.
 *
 * The POSIX entry points (mmap, munmap, msync, mprotect, mremap, madvise,
 * posix_madvise, mincore) are declared by <sys/mman.h> and replace libc's.
 * This header declares what anymmap adds for hosts and C programs.
 *
 * Promised, as on Linux x86-64: flag and errno semantics, lazy or eager
 * page-in, write-back of dirty pages only, one coherent copy of every file
 * page across all MAP_SHARED mappings and the descriptors that go through
 * anymmap_pread/anymmap_pwrite, and descriptors that may be closed while
 * mapped. The page size is 4096 bytes, as on Linux, whatever
 * sysconf(_SC_PAGESIZE) says under Emscripten.
 *
 * Departures, all forced by WebAssembly having no MMU:
 *  - no page protection and no faults: protection is checked by
 *    anymmap_touch (which the JS API calls before every access), and C code
 *    that dereferences raw pointers gets mappings that are resident when
 *    mmap returns;
 *  - two MAP_SHARED mappings of the same file page share one address, so
 *    mmap can return an address that another live mapping also covers;
 *  - address space is the top of a 4 GiB linear memory, shared with the
 *    C heap, which can never grow into it.
 */
#ifndef ANYMMAP_H
#define ANYMMAP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ANYMMAP_PAGE_SIZE 4096

/* anymmap_touch access kinds. */
#define ANYMMAP_ACCESS_READ  1
#define ANYMMAP_ACCESS_WRITE 2

/* Returned by anymmap_touch for pages wholly past the end of the file,
 * where Linux raises SIGBUS. Outside the errno range on purpose. */
#define ANYMMAP_SIGBUS 1000

/* mmap whose file pages are read when anymmap_touch first asks for them. */
void *anymmap_mmap_lazy(void *addr, size_t length, int prot, int flags, int fd, off_t offset);

/* mremap without varargs, so that hosts can call it. */
void *anymmap_mremap(void *old_address, size_t old_size, size_t new_size, int flags,
                     void *new_address);

/* Makes [addr, addr+length) resident for an access of the given kind and
 * returns 0, or an errno (EFAULT: not mapped; EACCES: protection forbids the
 * access; ANYMMAP_SIGBUS: past the end of the file). A write access marks the
 * pages dirty. */
int anymmap_touch(void *addr, size_t length, int access);

/* Descriptor calls that keep mappings coherent with file I/O. They set errno
 * and return -1 on failure, like their POSIX namesakes. */
int anymmap_close(int fd);
ssize_t anymmap_pread(int fd, void *buf, size_t count, off_t offset);
ssize_t anymmap_pwrite(int fd, const void *buf, size_t count, off_t offset);
int anymmap_ftruncate(int fd, off_t length);

/* A scratch buffer that hosts use to pass bytes to anymmap_pwrite. */
void *anymmap_io_buffer(void);
size_t anymmap_io_buffer_size(void);

int anymmap_errno(void);
size_t anymmap_page_size(void);
size_t anymmap_resident_pages(void);
size_t anymmap_mapping_count(void);
/* The longest mapping there is room for when nothing else is mapped. */
size_t anymmap_max_mapping(void);
/* Writes every dirty MAP_SHARED page back (at exit); 0 or the first errno. */
int anymmap_writeback_all(void);

#endif
