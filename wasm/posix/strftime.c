#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* glibc's strftime extensions, for which musl's strftime returns 0 with
 * nothing written (log timestamps and date formats use them): %k and %l
 * (the hour, space-padded), %P (am/pm), and the ^ (upper case) and #
 * (swapped case) flags. Every other conversion is musl's. */
size_t __real_strftime(char *restrict s, size_t n, const char *restrict f,
                       const struct tm *restrict tm);

/* One conversion, f just past its '%', into piece; returns its length, or
 * -1 where musl's strftime would fail the whole call. */
static long convert(const char **f, const struct tm *tm, char *piece, size_t size) {
  int upper = 0, swap = 0;
  char pad = 0;
  char musl[32] = "%";
  size_t k = 1;
  for (; **f == '^' || **f == '#' || **f == '_' || **f == '-' || **f == '0'; (*f)++) {
    if (**f == '^')
      upper = 1;
    else if (**f == '#')
      swap = 1;
    else
      pad = **f;
  }
  if (pad) musl[k++] = pad;
  while (isdigit((unsigned char)**f) && k < 24) musl[k++] = *(*f)++;
  if (**f == 'E' || **f == 'O') musl[k++] = *(*f)++;
  char conv = **f;
  if (!conv) return -1;
  (*f)++;
  musl[k++] = conv;
  musl[k] = 0;
  long m;
  if (conv == 'k' || conv == 'l') {
    int hour = conv == 'k' ? tm->tm_hour : (tm->tm_hour % 12 ? tm->tm_hour % 12 : 12);
    m = snprintf(piece, size, pad == '-' ? "%d" : pad == '0' ? "%02d" : "%2d", hour);
  } else if (conv == 'P') {
    m = snprintf(piece, size, "%s", tm->tm_hour < 12 ? "am" : "pm");
  } else {
    m = (long)__real_strftime(piece, size, musl, tm);
    /* Only a time zone name may be empty. */
    if (m == 0 && conv != 'Z') return -1;
  }
  for (long i = 0; i < m; i++) {
    unsigned char c = (unsigned char)piece[i];
    /* '#' upper-cases names and lower-cases %p and %Z, as glibc. */
    if (upper || (swap && conv != 'p' && conv != 'Z'))
      piece[i] = (char)toupper(c);
    else if (swap)
      piece[i] = (char)tolower(c);
  }
  return m;
}

size_t __wrap_strftime(char *restrict s, size_t n, const char *restrict format,
                       const struct tm *restrict tm) {
  const char *f = format;
  size_t len = 0;
  while (*f) {
    char piece[256];
    long m;
    if (*f == '%') {
      f++;
      m = convert(&f, tm, piece, sizeof piece);
      if (m < 0) return 0;
    } else {
      piece[0] = *f++;
      m = 1;
    }
    if (len + (size_t)m >= n) return 0;
    memcpy(s + len, piece, (size_t)m);
    len += (size_t)m;
  }
  if (len >= n) return 0;
  s[len] = 0;
  return len;
}
