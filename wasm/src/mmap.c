#include <errno.h>
#include <sys/mman.h>

#include "internal.h"

#define KNOWN_FLAGS                                                                        \
  (MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE | MAP_EXECUTABLE | MAP_GROWSDOWN | \
   MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB |    \
   MAP_FIXED_NOREPLACE | MAP_SYNC)

/* Shared file mappings get room to grow on both sides, so that a later
 * mapping of neighbouring file pages can join the same page cache. */
#define SLACK_PAGES   16384u
/* At least this much above: 16 MiB for the first few mapped files, so that
 * a program that keeps a header page mapped can map the whole file once it
 * grew (databases, logs); 1 MiB once many files are mapped, so that
 * thousands of them still fit the address space. */
#define SLACK_ROOMY   4096u
#define SLACK_SMALL   256u
#define ROOMY_OBJECTS 16u

static uint32_t min_u32(uint32_t a, uint64_t b) {
  return b < a ? (uint32_t)b : a;
}

/* Where file pages [fpage, fpage+n) of a MAP_SHARED mapping go: inside an
 * object that already caches that file when the pages there are free,
 * otherwise in a new object, unless that would split the page cache. */
static int place_shared(int file, int64_t fpage, uint32_t n, uint64_t size, uint32_t fixed,
                        uint32_t hint, uint32_t *addr, uint32_t *obj) {
  for (uint32_t id = files[file].shared_head; id; id = objects[id].next_in_file) {
    int64_t p = fpage + objects[id].vbase;
    if (p < 0 || p + n > AREA_END) continue;
    if (fixed && p != fixed) continue;
    if (!pages_joinable((uint32_t)p, (uint32_t)p + n, id, fixed != 0)) continue;
    if (shared_conflict(file, fpage, fpage + n, id)) continue;
    *addr = (uint32_t)p;
    *obj = id;
    return 0;
  }
  if (shared_conflict(file, fpage, fpage + n, 0)) return ENOMEM;
  uint32_t start;
  if (fixed) {
    start = fixed;
  } else {
    uint64_t file_pages = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
    uint64_t beyond = file_pages > (uint64_t)fpage + n ? file_pages - (uint64_t)fpage - n : 0;
    uint32_t below = min_u32(SLACK_PAGES, (uint64_t)fpage);
    below = min_u32(below, n > 256 ? n : 256);
    uint32_t above = min_u32(SLACK_PAGES, beyond > n ? beyond : n);
    uint32_t least = shared_file_objects < ROOMY_OBJECTS ? SLACK_ROOMY : SLACK_SMALL;
    if (above < least) above = least;
    int64_t at = area_alloc(below + n + above, 0);
    if (at >= 0) {
      start = (uint32_t)at + below;
    } else {
      at = area_alloc(n, hint);
      if (at < 0) return ENOMEM;
      start = (uint32_t)at;
      below = above = 0;
    }
    *obj = object_new(OBJ_FILE_SHARED, 1, file, (int64_t)start - fpage);
    if (!*obj) return ENOMEM;
    claim(start - below, start + n + above, *obj);
    *addr = start;
    return 0;
  }
  *obj = object_new(OBJ_FILE_SHARED, 1, file, (int64_t)start - fpage);
  if (!*obj) return ENOMEM;
  *addr = start;
  return 0;
}

static void *do_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset,
                     int lazy) {
  struct fd_info info = {0};
  int err = 0;
  int anon = (flags & MAP_ANONYMOUS) != 0;
  int type = flags & MAP_TYPE;
  uint32_t hint = addr_page(addr);

  if (offset & (PAGE_SIZE - 1)) goto einval;
  if (!anon && (err = fd_info(fd, &info))) goto fail;
  if (length == 0) goto einval;
  if (length > (size_t)AREA_END << PAGE_SHIFT) {
    err = ENOMEM;
    goto fail;
  }
  uint32_t n = pages_for(length);
  if (offset < 0 || (uint64_t)offset >> PAGE_SHIFT > (UINT64_C(1) << 51) - n) {
    err = EOVERFLOW;
    goto fail;
  }
  if (type == MAP_SHARED_VALIDATE && (flags & ~KNOWN_FLAGS)) {
    err = EOPNOTSUPP;
    goto fail;
  }
  if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE) goto einval;
  int shared = type != MAP_PRIVATE;
  if (flags & MAP_FIXED_NOREPLACE) flags |= MAP_FIXED;
  if ((flags & MAP_FIXED) && (linear_addr(addr) & (PAGE_SIZE - 1))) goto einval;
  if (!anon) {
    if (shared && (prot & PROT_WRITE) && (!info.writable || info.append)) {
      err = EACCES;
      goto fail;
    }
    if (!info.readable) {
      err = EACCES;
      goto fail;
    }
    if (info.filetype != __WASI_FILETYPE_REGULAR_FILE &&
        info.filetype != __WASI_FILETYPE_BLOCK_DEVICE) {
      err = ENODEV;
      goto fail;
    }
  }

  uint32_t fixed = 0;
  if (flags & MAP_FIXED) {
    fixed = hint;
    if (fixed < area_start() || fixed + n > AREA_END || fixed + n < fixed) {
      err = ENOMEM;
      goto fail;
    }
    if (flags & MAP_FIXED_NOREPLACE) {
      /* A page is mapped exactly where a vma covers it. */
      uint32_t i = vma_lower_bound(fixed);
      if (i < nvmas && vmas[i].start < fixed + n) {
        err = EEXIST;
        goto fail;
      }
    }
    if ((err = unmap_range(fixed, fixed + n, UNMAP_WRITE_BACK | UNMAP_ALL_LAYERS))) goto fail;
  }

  int file = -1;
  if (!anon) {
    file = file_get(&info, fd);
    if (file < 0) {
      err = ENFILE;
      goto fail;
    }
  }
  int64_t fpage = (int64_t)((uint64_t)offset >> PAGE_SHIFT);
  uint32_t start, obj;
  if (!anon && shared) {
    err = place_shared(file, fpage, n, info.size, fixed, hint, &start, &obj);
  } else {
    int64_t at = fixed ? fixed : area_alloc(n, hint);
    if (at < 0) {
      err = ENOMEM;
    } else {
      start = (uint32_t)at;
      obj = object_new(anon ? OBJ_ANON : OBJ_FILE_PRIVATE, shared, file, at - fpage);
      if (!obj) err = ENOMEM;
    }
  }
  if (err) {
    if (file >= 0 && files[file].objects == 0) file_free(file);
    goto fail;
  }
  if (file >= 0) file_retain_fd(file, fd, shared && info.writable && !info.append);

  struct vma v = {0};
  v.start = start;
  v.end = start + n;
  v.obj = obj;
  v.prot = (uint8_t)(prot & (PROT_READ | PROT_WRITE | PROT_EXEC));
  v.shared = (uint8_t)shared;
  v.lazy = (uint8_t)lazy;
  v.ra_next = start;
  v.maywrite = (uint8_t)(anon || !shared || (info.writable && !info.append));
  /* C code cannot fault, so an eager mapping is read in before it is mapped:
   * a failed read must leave the mappings whose pages it would share as they
   * were (mapping a layer widens their protection). */
  if (!lazy && (err = load_vma_pages(&v, start, start + n, LOAD_ALL))) {
    discard_unmapped(start, start + n, obj);
    goto fail;
  }
  if ((err = vma_map(start, start + n, &v))) {
    unmap_range(start, start + n, UNMAP_ONE_LAYER);
    goto fail;
  }
  if (lazy && (flags & MAP_POPULATE))
    (void)load_vma_pages(&vmas[vma_find(start)], start, start + n, LOAD_CLIP);
  return page_addr(start);

einval:
  err = EINVAL;
fail:
  errno = err;
  return MAP_FAILED;
}

void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset) {
  return do_mmap(addr, length, prot, flags, fd, offset, 0);
}

void *anymmap_mmap_lazy(void *addr, size_t length, int prot, int flags, int fd, off_t offset) {
  return do_mmap(addr, length, prot, flags, fd, offset, 1);
}
