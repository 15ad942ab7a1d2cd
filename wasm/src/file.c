#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Descriptors that anymmap keeps after the user closed them are moved out
 * of the way so that the number can be reused, as close(2) allows. */
#define FIRST_HIDDEN_FD 0x40000000
static int32_t next_hidden_fd = FIRST_HIDDEN_FD;

/* One record per mapped file, as many as memory allows: the table starts
 * static and moves to the heap when it fills (a few dozen bytes a file). */
#define INITIAL_FILES 64
static struct file initial_files[INITIAL_FILES];
struct file *files = initial_files;
static uint32_t files_cap = INITIAL_FILES;
uint32_t files_used;
/* No record below this one is free. */
static uint32_t files_first_free;

/* Two indexes over the table, so that finding a file by identity (every
 * mmap, pread and pwrite) or by descriptor (every close) costs the same with
 * 10,000 files mapped as with one: open addressing with linear probing, at
 * most half full, deletion by backward shift. A slot holds a file number
 * + 1 (0: empty); the descriptor index also holds the descriptor, since a
 * file has up to two (rfd, wfd). */
struct fd_slot {
  int32_t fd;
  uint32_t file1;
};
static uint32_t initial_by_id[2 * INITIAL_FILES];
static struct fd_slot initial_by_fd[4 * INITIAL_FILES];
_Static_assert(sizeof(struct file) >= 4 * sizeof(struct fd_slot),
               "files_grow bounds the records' size only");
static uint32_t *by_id = initial_by_id;
static struct fd_slot *by_fd = initial_by_fd;

static uint32_t id_home(uint64_t dev, uint64_t ino) {
  uint64_t h = (ino ^ (dev * 0x9e3779b97f4a7c15u)) * 0xff51afd7ed558ccdu;
  return (uint32_t)(h >> 32) & (2 * files_cap - 1);
}

static uint32_t fd_home(int32_t fd) {
  return ((uint32_t)fd * 0x9e3779b1u >> 7) & (4 * files_cap - 1);
}

static void id_insert(int file) {
  uint32_t mask = 2 * files_cap - 1, i = id_home(files[file].dev, files[file].ino);
  while (by_id[i]) i = (i + 1) & mask;
  by_id[i] = (uint32_t)file + 1;
}

static void id_remove(int file) {
  uint32_t mask = 2 * files_cap - 1, i = id_home(files[file].dev, files[file].ino);
  while (by_id[i] != (uint32_t)file + 1) {
    if (!by_id[i]) return;
    i = (i + 1) & mask;
  }
  /* Pull back every later slot of the run whose home does not lie
   * (cyclically) after the hole, so that no lookup stops short. */
  for (uint32_t j = (i + 1) & mask; by_id[j]; j = (j + 1) & mask) {
    struct file *f = &files[by_id[j] - 1];
    uint32_t home = id_home(f->dev, f->ino);
    if (((j - home) & mask) >= ((j - i) & mask)) {
      by_id[i] = by_id[j];
      i = j;
    }
  }
  by_id[i] = 0;
}

/* The slot of fd, or of the empty slot where it would go. */
static uint32_t fd_slot(int32_t fd) {
  uint32_t mask = 4 * files_cap - 1, i = fd_home(fd);
  while (by_fd[i].file1 && by_fd[i].fd != fd) i = (i + 1) & mask;
  return i;
}

/* A descriptor names one file; a number reused while an old record still
 * holds it (the guest closed it behind anymmap's back) names the newest. */
static void fd_insert(int32_t fd, int file) {
  if (fd < 0) return;
  uint32_t i = fd_slot(fd);
  by_fd[i].fd = fd;
  by_fd[i].file1 = (uint32_t)file + 1;
}

static void fd_remove(int32_t fd, int file) {
  if (fd < 0) return;
  uint32_t mask = 4 * files_cap - 1, i = fd_slot(fd);
  if (by_fd[i].file1 != (uint32_t)file + 1) return;
  for (uint32_t j = (i + 1) & mask; by_fd[j].file1; j = (j + 1) & mask) {
    uint32_t home = fd_home(by_fd[j].fd);
    if (((j - home) & mask) >= ((j - i) & mask)) {
      by_fd[i] = by_fd[j];
      i = j;
    }
  }
  by_fd[i].file1 = 0;
}

static void index_file(int i) {
  id_insert(i);
  fd_insert(files[i].rfd, i);
  if (files[i].wfd != files[i].rfd) fd_insert(files[i].wfd, i);
}

static int files_grow(void) {
  /* The records are the largest of the three arrays (cap of them, against
   * 4 * cap descriptor slots and 2 * cap identity slots), so bounding their
   * size keeps every size below 2^32. */
  if (files_cap > UINT32_MAX / 2 / sizeof *files) return 0;
  uint32_t cap = files_cap * 2;
  struct file *grown =
      files == initial_files ? malloc(cap * sizeof *files) : realloc(files, cap * sizeof *files);
  if (!grown) return 0;
  if (files == initial_files) memcpy(grown, initial_files, sizeof initial_files);
  files = grown;
  uint32_t *ids = calloc(2 * (size_t)cap, sizeof *ids);
  struct fd_slot *fds = calloc(4 * (size_t)cap, sizeof *fds);
  if (!ids || !fds) {
    free(ids);
    free(fds);
    return 0;
  }
  if (by_id != initial_by_id) free(by_id);
  if (by_fd != initial_by_fd) free(by_fd);
  by_id = ids;
  by_fd = fds;
  files_cap = cap;
  for (uint32_t i = 0; i < files_used; i++)
    if (files[i].in_use) index_file((int)i);
  return 1;
}

#ifndef __wasm__
/* Natively only, for the fuzzer: see anymmap_hosted_reset_vm. Every static
 * variable of this file must be reset here. */
void anymmap_hosted_reset_files(void) {
  next_hidden_fd = FIRST_HIDDEN_FD;
  files_used = 0;
  files_first_free = 0;
  anymmap_hosted_reset_clean();
  if (files != initial_files) free(files);
  if (by_id != initial_by_id) free(by_id);
  if (by_fd != initial_by_fd) free(by_fd);
  files = initial_files;
  by_id = initial_by_id;
  by_fd = initial_by_fd;
  memset(initial_by_id, 0, sizeof initial_by_id);
  memset(initial_by_fd, 0, sizeof initial_by_fd);
  files_cap = INITIAL_FILES;
}
#endif

/* filestat first: a host can answer the fdstat that follows (file type)
 * from the same stat. */
int fd_info(int fd, struct fd_info *out) {
  __wasi_filestat_t st;
  __wasi_fdstat_t fs;
  if (fd < 0) return EBADF;
  int err = __wasi_fd_filestat_get(fd, &st);
  if (err) return err;
  err = __wasi_fd_fdstat_get(fd, &fs);
  if (err) return err;
  out->dev = st.dev;
  out->ino = st.ino;
  out->size = st.size;
  out->filetype = st.filetype;
  out->readable = (fs.fs_rights_base & __WASI_RIGHTS_FD_READ) != 0;
  out->writable = (fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE) != 0;
  out->append = (fs.fs_flags & __WASI_FDFLAGS_APPEND) != 0;
  return 0;
}

int file_find(uint64_t dev, uint64_t ino) {
  uint32_t mask = 2 * files_cap - 1;
  for (uint32_t i = id_home(dev, ino); by_id[i]; i = (i + 1) & mask) {
    struct file *f = &files[by_id[i] - 1];
    if (f->dev == dev && f->ino == ino) return (int)by_id[i] - 1;
  }
  return -1;
}

/* The file record for fd, created on first use; -1 when memory for the
 * table ran out.
 * info's size is the freshest there is: page-ins below it need no fstat. */
int file_get(const struct fd_info *info, int fd) {
  int i = file_find(info->dev, info->ino);
  if (i < 0) {
    for (i = (int)files_first_free; i < (int)files_used && files[i].in_use; i++) {
    }
    if ((uint32_t)i == files_cap && !files_grow()) return -1;
    if (i == (int)files_used) files_used++;
    files_first_free = (uint32_t)i + 1;
    memset(&files[i], 0, sizeof files[i]);
    files[i].in_use = 1;
    files[i].dev = info->dev;
    files[i].ino = info->ino;
    files[i].rfd = fd;
    files[i].wfd = -1;
    index_file(i);
  }
  files[i].size = info->size;
  files[i].size_known = 1;
  return i;
}

void file_retain_fd(int file, int fd, int writable) {
  if (!writable || files[file].wfd >= 0) return;
  files[file].wfd = fd;
  if (fd != files[file].rfd) fd_insert(fd, file);
}

void file_free(int file) {
  id_remove(file);
  fd_remove(files[file].rfd, file);
  if (files[file].wfd != files[file].rfd) fd_remove(files[file].wfd, file);
  files[file].in_use = 0;
  if ((uint32_t)file < files_first_free) files_first_free = (uint32_t)file;
  while (files_used > 0 && !files[files_used - 1].in_use) files_used--;
  if (files_first_free > files_used) files_first_free = files_used;
}

void file_put(int file) {
  struct file *f = &files[file];
  if (--f->objects) return;
  /* Nobody is left to report a failed close to. */
  if (f->rfd_owned) (void)__wasi_fd_close(f->rfd);
  if (f->wfd_owned && !(f->rfd_owned && f->wfd == f->rfd)) (void)__wasi_fd_close(f->wfd);
  file_free(file);
}

int file_read_fd(int file) {
  return files[file].wfd >= 0 ? files[file].wfd : files[file].rfd;
}

int file_size(int file, uint64_t *size) {
  __wasi_filestat_t st;
  int err = __wasi_fd_filestat_get(file_read_fd(file), &st);
  if (err) return err;
  *size = files[file].size = st.size;
  files[file].size_known = 1;
  return 0;
}

static int file_of_fd(int fd) {
  /* -1 in rfd/wfd means "none", never a descriptor. */
  if (fd < 0) return -1;
  return (int)by_fd[fd_slot(fd)].file1 - 1;
}

int anymmap_close(int fd) {
  int i = file_of_fd(fd);
  if (i < 0 || files[i].objects == 0) {
    int err = __wasi_fd_close(fd);
    if (err) {
      errno = err;
      return -1;
    }
    return 0;
  }
  struct file *f = &files[i];
  int32_t hidden = next_hidden_fd++;
  if (__wasi_fd_renumber(fd, hidden) != 0) hidden = fd;
  fd_remove(fd, i);
  fd_insert(hidden, i);
  if (f->rfd == fd) {
    f->rfd = hidden;
    f->rfd_owned = 1;
  }
  if (f->wfd == fd) {
    f->wfd = hidden;
    f->wfd_owned = 1;
  }
  return 0;
}

static int file_for_io(int fd, struct fd_info *info) {
  if (fd_info(fd, info)) return -1;
  return file_find(info->dev, info->ino);
}

/* The file's bytes under resident shared page p changed. A clean page stays
 * clean: its digest follows. A dirty page's digest stood for bytes the file
 * no longer has, so the page stays dirty until it is written back, whatever
 * it comes to hold. */
static void file_bytes_changed(uint32_t p, int was_clean) {
  if (was_clean)
    hash_page(p);
  else if (page_state[p] & PG_HASHED)
    state_set(p, (uint8_t)((page_state[p] & ~PG_HASHED) | PG_DIRTY));
}

/* Zeroes resident shared bytes of [from, to) of the file: what a truncation
 * cut off reads as zeros, and a file that grew shows zeros, not what a raw
 * view put past its old end. A page that was clean stays clean; a dirty one
 * stays dirty unless rebase_dirty (everything was just written back). Walks
 * the objects, not the range, which can be far larger. */
static void zero_file_range(int file, uint64_t from, uint64_t to, int rebase_dirty) {
  if (from >= to) return;
  int64_t first = (int64_t)(from >> PAGE_SHIFT), last = (int64_t)((to - 1) >> PAGE_SHIFT) + 1;
  for (uint32_t id = files[file].shared_head; id; id = objects[id].next_in_file) {
    struct object *o = &objects[id];
    int64_t lo = first + o->vbase, hi = last + o->vbase;
    if (lo < o->first) lo = o->first;
    if (hi > o->end) hi = o->end;
    if (lo >= hi) continue;
    for (int64_t p = state_next((uint32_t)lo, (uint32_t)hi); p < hi;
         p = state_next((uint32_t)p + 1, (uint32_t)hi)) {
      if (page_owner((uint32_t)p) != id || !(page_state[p] & PG_RESIDENT)) continue;
      uint64_t base = (uint64_t)(p - o->vbase) << PAGE_SHIFT;
      uint64_t a = from > base ? from : base, b = to < base + PAGE_SIZE ? to : base + PAGE_SIZE;
      int clean = rebase_dirty ? (page_state[p] & PG_HASHED) != 0 : page_clean((uint32_t)p);
      memset(page_addr((uint32_t)p) + (a - base), 0, b - a);
      if (rebase_dirty) {
        if (clean) hash_page((uint32_t)p);
      } else {
        file_bytes_changed((uint32_t)p, clean);
      }
    }
  }
}

ssize_t anymmap_pread(int fd, void *buf, size_t count, off_t offset) {
  struct fd_info info;
  if (offset < 0) {
    errno = EINVAL;
    return -1;
  }
  __wasi_iovec_t iov = {buf, count < MAX_RW_COUNT ? count : MAX_RW_COUNT};
  __wasi_size_t n = 0;
  int err = __wasi_fd_pread(fd, &iov, 1, (uint64_t)offset, &n);
  if (err) {
    errno = err;
    return -1;
  }
  int file = file_for_io(fd, &info);
  if (file < 0) return n;
  /* Bytes written through MAP_SHARED mappings are the file's bytes, synced
   * or not: overlay the resident pages, as one page cache would. */
  uint64_t end = (uint64_t)offset + n;
  for (uint64_t at = (uint64_t)offset; at < end;) {
    int64_t fp = (int64_t)(at >> PAGE_SHIFT);
    uint64_t page_end = ((uint64_t)fp + 1) << PAGE_SHIFT;
    uint64_t chunk_end = page_end < end ? page_end : end;
    uint32_t id = shared_object_at(file, fp);
    if (id) {
      uint32_t p = (uint32_t)(fp + objects[id].vbase);
      memcpy((uint8_t *)buf + (at - (uint64_t)offset), page_addr(p) + (at & (PAGE_SIZE - 1)),
             chunk_end - at);
    }
    at = chunk_end;
  }
  return n;
}

static void recall_forgotten(int file, uint64_t from, uint64_t to);

ssize_t anymmap_pwrite(int fd, const void *buf, size_t count, off_t offset) {
  struct fd_info info;
  if (offset < 0) {
    errno = EINVAL;
    return -1;
  }
  /* Before the write: the size it reports tells where appended bytes went. */
  int file = file_for_io(fd, &info);
  __wasi_ciovec_t iov = {buf, count < MAX_RW_COUNT ? count : MAX_RW_COUNT};
  __wasi_size_t n = 0;
  int err = __wasi_fd_pwrite(fd, &iov, 1, (uint64_t)offset, &n);
  if (err) {
    errno = err;
    return -1;
  }
  if (file < 0) return n;
  files[file].size_known = 0;
  /* pwrite(2) on an O_APPEND descriptor appends on Linux, whatever the
   * offset, and honours the offset elsewhere (OPFS): the file grew by
   * exactly n from its old end only if the bytes went there. */
  uint64_t start = (uint64_t)offset, size;
  if (info.append && n && file_size(file, &size) == 0 && size == info.size + n) start = info.size;
  /* A write past the end extends the file with zeros, as ftruncate does. */
  if (n && start > info.size) zero_file_range(file, info.size, start, 0);
  uint64_t end = start + n;
  for (uint64_t at = start; at < end;) {
    int64_t fp = (int64_t)(at >> PAGE_SHIFT);
    uint64_t page_end = ((uint64_t)fp + 1) << PAGE_SHIFT;
    uint64_t chunk_end = page_end < end ? page_end : end;
    uint32_t id = shared_object_at(file, fp);
    if (id) {
      uint32_t p = (uint32_t)(fp + objects[id].vbase);
      /* A clean page stays clean: it now equals the file again. */
      int clean = page_clean(p);
      memcpy(page_addr(p) + (at & (PAGE_SIZE - 1)), (const uint8_t *)buf + (at - start),
             chunk_end - at);
      file_bytes_changed(p, clean);
    }
    at = chunk_end;
  }
  /* Grown by the write: pages a shrink forgot are the file's again, as after ftruncate. */
  if (end > info.size) recall_forgotten(file, info.size, end);
  return n;
}

/* Pages wholly past a new end of file are no longer file pages: lazy
 * mappings fault on them again (Linux's SIGBUS) until the file grows. C
 * mappings cannot fault, so their pages stay, reading zeros. */
static void forget_past_eof(int file, uint64_t size, uint64_t old_end) {
  int64_t first = (int64_t)((size + PAGE_SIZE - 1) >> PAGE_SHIFT);
  int64_t last = (int64_t)(old_end >> PAGE_SHIFT);
  for (int64_t fp = first; fp < last; fp++) {
    uint32_t id = shared_object_at(file, fp);
    if (!id) continue;
    uint32_t p = (uint32_t)(fp + objects[id].vbase);
    int i = vma_find(p);
    if (i >= 0 && !vmas[i].lazy) continue;
    state_set(p, PG_STALE);
    page_hash[p] = 0;
  }
}

/* Pages of [from, to) that a shrink forgot (forget_past_eof) and that a
 * mapping still shows come back with the file when it grows over them (by
 * ftruncate or by a write past its end), as
 * Linux's page cache does: a view held across the shrink and the grow
 * writes to the file. What a view stored while they were past the end is
 * gone (Linux would have raised SIGBUS). Only pages with a state are
 * visited: a grow by a terabyte costs what is mapped, not what it adds. */
static void recall_forgotten(int file, uint64_t from, uint64_t to) {
  int64_t first = (int64_t)(from >> PAGE_SHIFT),
          last = (int64_t)((to + PAGE_SIZE - 1) >> PAGE_SHIFT);
  for (uint32_t id = files[file].shared_head; id; id = objects[id].next_in_file) {
    struct object *o = &objects[id];
    int64_t lo = first + o->vbase, hi = last + o->vbase;
    if (lo < o->first) lo = o->first;
    if (hi > o->end) hi = o->end;
    for (int64_t p = lo < hi ? state_next((uint32_t)lo, (uint32_t)hi) : hi; p < hi;
         p = state_next((uint32_t)p + 1, (uint32_t)hi)) {
      int i = vma_find((uint32_t)p);
      if (page_owner((uint32_t)p) != id || page_state[p] != PG_STALE || i < 0) continue;
      /* A failed read leaves the page forgotten, as it was. */
      (void)load_vma_pages(&vmas[i], (uint32_t)p, (uint32_t)p + 1, LOAD_CLIP);
    }
  }
}

int anymmap_ftruncate(int fd, off_t length) {
  struct fd_info info;
  if (length < 0) {
    errno = EINVAL;
    return -1;
  }
  int err = fd_info(fd, &info);
  if (!err && !info.writable) err = EINVAL;
  if (err) {
    errno = err;
    return -1;
  }
  int file = file_find(info.dev, info.ino);
  uint64_t old = info.size, now = (uint64_t)length;
  if (file >= 0) {
    /* Dirty bytes below the new size must survive the cut, and the zeroing
     * below may only rebase the digest of pages that are clean. */
    for (uint32_t id = files[file].shared_head; id; id = objects[id].next_in_file)
      if ((err = writeback(objects[id].first, objects[id].end))) {
        errno = err;
        return -1;
      }
  }
  err = __wasi_fd_filestat_set_size(fd, now);
  if (err) {
    errno = err;
    return -1;
  }
  if (file < 0) return 0;
  files[file].size_known = 0;
  if (now < old) {
    uint64_t tail_end = (old + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    zero_file_range(file, now, tail_end, 1);
    forget_past_eof(file, now, tail_end);
  } else {
    /* Bytes past the old end were never file bytes, whatever a raw view put
     * there: the file grew with zeros. */
    zero_file_range(file, old, now, 1);
    recall_forgotten(file, old, now);
  }
  return 0;
}

static uint8_t io_buffer[256 << 10] __attribute__((aligned(4096)));

void *anymmap_io_buffer(void) {
  return io_buffer;
}
size_t anymmap_io_buffer_size(void) {
  return sizeof io_buffer;
}
int anymmap_errno(void) {
  return errno;
}
size_t anymmap_page_size(void) {
  return PAGE_SIZE;
}
/* The longest mapping there is room for with nothing else mapped: the area
 * above the engine's own data and heap. */
size_t anymmap_max_mapping(void) {
  return (size_t)(AREA_END - area_start()) << PAGE_SHIFT;
}
