#include <stdint.h>
#include <stdlib.h>

#include "posix.h"

void setTempRet0(int value); /* tempret.c */

/* Emscripten 3.1.6's setjmp bookkeeping (system/lib/compiler-rt/
 * emscripten_setjmp.c) keeps, for each invocation of a function that calls
 * setjmp, a table of (id, label) entries ended by an id of 0, in `size`
 * slots plus one. Every setjmp scanned the table from its start for the end
 * before appending, and every longjmp that reached the invocation scanned it
 * for the id: a loop calling setjmp n times in one invocation cost O(n^2)
 * (80,000 setjmps: 8 s). The compiled code owns the table (it allocates
 * the first one with a 0 id first, and frees it), so the layout stays; the
 * end of recently used tables is remembered here, and since ids only grow
 * along a table a lookup is a binary search. Linked as --wrap=saveSetjmp
 * and --wrap=testSetjmp. */
typedef struct {
  uintptr_t id;
  uint32_t label;
} TableEntry;

/* Where a table ended after its last append, and the id appended there:
 * every append and every move of a table (realloc, here only) updates its
 * entry, so an entry for a table that has had an append since it was
 * allocated is exact; a fresh table has a 0 id first, which no remembered
 * end above 0 accepts, and ids are never reused. */
#define REMEMBERED 16
static struct {
  const TableEntry *table;
  uint32_t end;
  uintptr_t last;
} ends[REMEMBERED];

static uintptr_t last_id;

static unsigned slot(const TableEntry *table) {
  return ((uint32_t)(uintptr_t)table * 2654435761u) >> 28;
}

static uint32_t table_end(const TableEntry *table, uint32_t size) {
  unsigned s = slot(table);
  uint32_t end = ends[s].end;
  if (ends[s].table == table && end <= size && table[end].id == 0 &&
      (end == 0 || (table[0].id != 0 && table[end - 1].id == ends[s].last)))
    return end;
  end = 0;
  while (end < size && table[end].id != 0) end++;
  return end;
}

TableEntry *__wrap_saveSetjmp(uintptr_t *env, uint32_t label, TableEntry *table, uint32_t size) {
  uint32_t end = table_end(table, size);
  if (end == size) {
    size *= 2;
    table = realloc(table, sizeof *table * (size + 1));
    if (!table) abort();
  }
  *env = ++last_id;
  table[end].id = last_id;
  table[end].label = label;
  table[end + 1].id = 0;
  unsigned s = slot(table);
  ends[s].table = table;
  ends[s].end = end + 1;
  ends[s].last = last_id;
  setTempRet0((int)size);
  return table;
}

uint32_t __wrap_testSetjmp(uintptr_t id, const TableEntry *table, uint32_t size) {
  uint32_t lo = 0, hi = table_end(table, size);
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (table[mid].id < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  return id != 0 && table[lo].id == id ? table[lo].label : 0;
}
