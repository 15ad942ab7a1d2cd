/* wordexp and wordfree failed to link (musl's runs /bin/sh). The
 * expansions a program asks of them without a shell: splitting, quotes
 * and backslashes, variables (split unless quoted), tilde, pathname
 * patterns (matched, or kept as written), empty words, WRDE_DOOFFS,
 * WRDE_APPEND, WRDE_REUSE, and the errors: WRDE_CMDSUB for $(...) and
 * backquotes under WRDE_NOCMD, WRDE_BADCHAR, WRDE_BADVAL with WRDE_UNDEF,
 * WRDE_SYNTAX. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <wordexp.h>

#include "facts.h"

static const char *wrde(int r) {
  switch (r) {
    case 0: return "0";
    case WRDE_BADCHAR: return "WRDE_BADCHAR";
    case WRDE_BADVAL: return "WRDE_BADVAL";
    case WRDE_CMDSUB: return "WRDE_CMDSUB";
    case WRDE_NOSPACE: return "WRDE_NOSPACE";
    case WRDE_SYNTAX: return "WRDE_SYNTAX";
    default: return "WRDE_?";
  }
}

static void show(const char *label, wordexp_t *we) {
  printf("  %s: %zu words:", label, we->we_wordc);
  for (size_t i = 0; i < we->we_offs + we->we_wordc; i++)
    printf(" [%s]", we->we_wordv[i] ? we->we_wordv[i] : "(null)");
  printf("%s\n", we->we_wordv[we->we_offs + we->we_wordc] ? " not NULL-terminated" : "");
}

static void expand(const char *s, int flags) {
  wordexp_t we;
  memset(&we, 0, sizeof we);
  int r = wordexp(s, &we, flags);
  printf("wordexp(%s, %#x): %s\n", s, flags, wrde(r));
  if (r == 0) {
    show("got", &we);
    wordfree(&we);
  }
}

int main(void) {
  for (const char *f = "a1.txt\0a2.txt\0b.txt\0"; *f; f += strlen(f) + 1) close(open(f, O_CREAT | O_WRONLY, 0644));
  setenv("HOME", "/home/someone", 1);
  setenv("V", "x  y", 1);
  setenv("EMPTY", "", 1);
  setenv("STAR", "a*.txt", 1);
  unsetenv("UNSET_VAR");
  unsetenv("IFS");
  expand("one two  three", 0);
  expand("  leading and trailing  ", 0);
  expand("'single quoted' \"double $V\" back\\ slash", 0);
  expand("$V", 0);
  expand("${V}end", 0);
  expand("pre$V", 0);
  expand("\"$V\"", 0);
  expand("~", 0);
  expand("~/dir ~x", 0);
  expand("a~", 0);
  expand("a*.txt", 0);
  expand("'a*'.txt", 0);
  expand("a\\*.txt", 0);
  expand("z*.none", 0);
  expand("$STAR", 0);
  expand("\"$STAR\"", 0);
  expand("[ab]?.txt", 0);
  expand("\"\"", 0);
  expand("''", 0);
  expand("$EMPTY", 0);
  expand("x$EMPTY", 0);
  expand("$UNSET_VAR", 0);
  expand("\"a\\$b\" \"a\\nb\" 'a\\nb' a\\nb", 0);
  expand("\"a\\\"b\"", 0);
  expand("cost $ 5", 0);
  expand("$(ls)", WRDE_NOCMD);
  expand("`ls`", WRDE_NOCMD);
  expand("\"$(ls)\"", WRDE_NOCMD);
  expand("'$(ls)'", WRDE_NOCMD);
  expand("a\\$(ls)", WRDE_NOCMD);
  expand("a|b", 0);
  expand("a;b", 0);
  expand("a&b", 0);
  expand("a>b", 0);
  expand("(a)", 0);
  expand("{a}", 0);
  expand("a\nb", 0);
  expand("\"a|b;c\"", 0);
  expand("'a&b'", 0);
  expand("a\\|b", 0);
  expand("$UNSET_VAR", WRDE_UNDEF);
  expand("${UNSET_VAR}", WRDE_UNDEF);
  expand("\"unterminated", 0);
  expand("'unterminated", 0);
  expand("${V", 0);

  wordexp_t we;
  memset(&we, 0, sizeof we);
  we.we_offs = 2;
  int r = wordexp("first second", &we, WRDE_DOOFFS);
  printf("WRDE_DOOFFS 2: %s\n", wrde(r));
  show("got", &we);
  r = wordexp("third $V", &we, WRDE_DOOFFS | WRDE_APPEND);
  printf("WRDE_APPEND: %s\n", wrde(r));
  show("got", &we);
  wordfree(&we);
  memset(&we, 0, sizeof we);
  r = wordexp("one", &we, 0);
  r = wordexp("two three", &we, WRDE_REUSE);
  printf("WRDE_REUSE: %s\n", wrde(r));
  show("got", &we);
  wordfree(&we);
  /* A name longer than 255 bytes is the whole name, not its first 255 (another variable). */
  char name[301], cut[256], in[310];
  memset(name, 'N', 300);
  name[300] = '\0';
  memcpy(cut, name, 255);
  cut[255] = '\0';
  setenv(name, "long", 1);
  setenv(cut, "cut", 1);
  snprintf(in, sizeof in, "$%s", name);
  expand(in, 0);
  snprintf(in, sizeof in, "${%s}", name);
  expand(in, 0);
  snprintf(in, sizeof in, "\"$%s\"x", name);
  expand(in, 0);
  return 0;
}
