#include <stdlib.h>

/* glibc's qsort_r (musl has it only from 1.2.3): over qsort, with the
 * comparison and its argument in statics, saved and restored around the
 * call so that a comparison may sort too. A program is one thread. */

static int (*current_compare)(const void *, const void *, void *);
static void *current_arg;

static int compare_with_arg(const void *a, const void *b) {
  return current_compare(a, b, current_arg);
}

void qsort_r(void *base, size_t n, size_t size, int (*compare)(const void *, const void *, void *),
             void *arg) {
  int (*outer_compare)(const void *, const void *, void *) = current_compare;
  void *outer_arg = current_arg;
  current_compare = compare;
  current_arg = arg;
  qsort(base, n, size, compare_with_arg);
  current_compare = outer_compare;
  current_arg = outer_arg;
}
