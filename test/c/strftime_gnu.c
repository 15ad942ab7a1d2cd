/* strftime with glibc's extensions (%k, %l, %P, the ^ and # flags), for
 * which musl's returned 0 and wrote nothing, beside the standard
 * conversions with pad flags and widths, and a buffer too small. */
#include <stdio.h>
#include <string.h>
#include <time.h>

static void show(const char *format, const struct tm *tm) {
  char out[128];
  memset(out, 'x', sizeof out);
  size_t n = strftime(out, sizeof out, format, tm);
  printf("%-28s %2zu [%s]\n", format, n, n ? out : "");
}

int main(void) {
  time_t times[] = {1700000000, 1700000000 - 13 * 3600, 946684800};
  const char *formats[] = {"%l:%M %P",
                           "%k",
                           "%^a %k",
                           "%#a %#p %#b",
                           "%^B %-d, %Y",
                           "%_H|%-H|%0e",
                           "%10Y|%-m|%_H",
                           "%Ey %Od %EC",
                           "%F %T %z",
                           "%%k is %k",
                           "%I %p %j %U %W %V %G",
                           "%c",
                           "plain text"};
  for (int t = 0; t < 3; t++) {
    struct tm tm;
    gmtime_r(&times[t], &tm);
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) show(formats[i], &tm);
  }
  struct tm tm;
  gmtime_r(&times[0], &tm);
  char tiny[4];
  printf("too small: %zu\n", strftime(tiny, sizeof tiny, "%Y-%m", &tm));
  printf("exactly: %zu\n", strftime(tiny, sizeof tiny, "%k", &tm));
  return 0;
}
