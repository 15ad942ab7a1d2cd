/*
 * Emscripten's <limits.h> says PAGE_SIZE is 65536 (WebAssembly's memory
 * page); the mmap that programs built by `anymmap cc` link against works in
 * Linux's 4096-byte pages, so code that aligns offsets or sizes its own pages
 * by this macro must see 4096. `anymmap cc` puts this directory first.
 */
#include_next <limits.h>

#ifdef PAGE_SIZE
#undef PAGE_SIZE
#define PAGE_SIZE 4096
#endif
#ifdef PAGESIZE
#undef PAGESIZE
#define PAGESIZE 4096
#endif
