#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <wordexp.h>

/* wordexp and wordfree failed to link (musl's runs /bin/sh through popen,
 * which a WebAssembly program cannot start). This one expands as the shell
 * would, without running anything: tilde (~ and ~/ from $HOME), $NAME and
 * ${NAME}, single and double quotes and backslashes, field splitting on
 * $IFS, and pathname expansion through glob (a pattern matching nothing
 * stays as written). Command substitution ($(...) and backquotes) is
 * WRDE_CMDSUB whether or not WRDE_NOCMD asks for it: no shell can run it;
 * arithmetic ($((...))), ${...} forms other than ${NAME} and special
 * parameters ($1, $#, $?...) are WRDE_SYNTAX. Unquoted | & ; < > ( ) { }
 * and newline are WRDE_BADCHAR, an unset variable with WRDE_UNDEF is
 * WRDE_BADVAL, as in glibc (docs/c-programs.md). */

struct buf {
  char *s; /* the word so far */
  char *q; /* per byte: 1 if quoted (no splitting, no globbing) */
  size_t n, cap;
  int any;  /* a word exists even if empty ("" or '') */
  int glob; /* an unquoted *, ? or [ */
};

struct words {
  char **v;
  size_t n, cap;
};

static int push_char(struct buf *b, char c, int quoted) {
  if (b->n + 1 >= b->cap) {
    size_t cap = b->cap ? 2 * b->cap : 64;
    char *s = realloc(b->s, cap), *q;
    if (!s) return WRDE_NOSPACE;
    b->s = s;
    q = realloc(b->q, cap);
    if (!q) return WRDE_NOSPACE;
    b->q = q;
    b->cap = cap;
  }
  b->s[b->n] = c;
  b->q[b->n++] = (char)quoted;
  b->any = 1;
  if (!quoted && (c == '*' || c == '?' || c == '[')) b->glob = 1;
  return 0;
}

static int push_word(struct words *w, char *s) {
  if (!s) return WRDE_NOSPACE;
  if (w->n + 1 >= w->cap) {
    size_t cap = w->cap ? 2 * w->cap : 8;
    char **v = realloc(w->v, cap * sizeof *v);
    if (!v) {
      free(s);
      return WRDE_NOSPACE;
    }
    w->v = v;
    w->cap = cap;
  }
  w->v[w->n++] = s;
  return 0;
}

/* Ends the current word: globbed if it has unquoted pattern characters. */
static int end_word(struct buf *b, struct words *w) {
  int err = 0;
  if (!b->any) return 0;
  if (b->glob) {
    /* The pattern: quoted bytes escaped, so that only unquoted ones match. */
    char *pat = malloc(2 * b->n + 1), *p = pat;
    if (!pat) return WRDE_NOSPACE;
    for (size_t i = 0; i < b->n; i++) {
      if (b->q[i] && strchr("*?[\\", b->s[i])) *p++ = '\\';
      *p++ = b->s[i];
    }
    *p = '\0';
    glob_t g;
    int r = glob(pat, 0, NULL, &g);
    free(pat);
    if (r == 0) {
      for (size_t i = 0; i < g.gl_pathc && !err; i++) err = push_word(w, strdup(g.gl_pathv[i]));
      globfree(&g);
      b->n = b->any = b->glob = 0;
      return err;
    }
    if (r == GLOB_NOSPACE) return WRDE_NOSPACE;
  }
  char *s = malloc(b->n + 1);
  if (s) {
    memcpy(s, b->s, b->n);
    s[b->n] = '\0';
  }
  b->n = b->any = b->glob = 0;
  return push_word(w, s);
}

static int is_name_start(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_name(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

/* Appends a variable's value: unquoted, split into fields on $IFS (every
 * IFS byte delimits as white space does: empty fields between two
 * non-white ones are not made). Its bytes are never pattern characters:
 * glibc does not glob what a variable expands to. */
static int expand_value(const char *v, int quoted, struct buf *b, struct words *w) {
  const char *ifs = getenv("IFS");
  if (!ifs) ifs = " \t\n";
  int err = 0;
  for (const char *p = v; *p && !err; p++)
    err = quoted || !strchr(ifs, *p) ? push_char(b, *p, 1) : end_word(b, w);
  return err;
}

static int parse(const char *s, int flags, struct words *w) {
  struct buf b = {0};
  int err = 0, dq = 0;
  for (size_t i = 0; s[i] && !err; i++) {
    char c = s[i];
    if (!dq && strchr("|&;<>(){}\n", c)) {
      err = WRDE_BADCHAR;
      break;
    }
    if (!dq && (c == ' ' || c == '\t')) {
      err = end_word(&b, w);
      continue;
    }
    if (c == '\\') {
      char next = s[i + 1];
      if (!next) {
        err = WRDE_SYNTAX;
        break;
      }
      i++;
      if (dq && !strchr("$`\"\\\n", next)) err = push_char(&b, '\\', 1);
      if (!err && next != '\n') err = push_char(&b, next, 1);
      continue;
    }
    if (!dq && c == '\'') {
      const char *end = strchr(s + i + 1, '\'');
      if (!end) {
        err = WRDE_SYNTAX;
        break;
      }
      b.any = 1;
      for (const char *p = s + i + 1; p < end && !err; p++) err = push_char(&b, *p, 1);
      i = (size_t)(end - s);
      continue;
    }
    if (c == '"') {
      dq = !dq;
      b.any = 1;
      continue;
    }
    if (c == '`') {
      err = WRDE_CMDSUB;
      break;
    }
    if (c == '~' && !dq && b.n == 0 && !b.any &&
        (s[i + 1] == '\0' || s[i + 1] == '/' || s[i + 1] == ' ')) {
      const char *home = getenv("HOME");
      if (home)
        for (const char *p = home; *p && !err; p++) err = push_char(&b, *p, 1);
      else
        err = push_char(&b, '~', 1);
      continue;
    }
    if (c == '$') {
      char next = s[i + 1];
      if (next == '(') {
        err = s[i + 2] == '(' ? WRDE_SYNTAX : WRDE_CMDSUB;
        break;
      }
      /* The whole name, however long (a cut one would be another variable). */
      const char *start;
      size_t len = 0;
      if (next == '{') {
        start = s + i + 2;
        while (is_name(start[len])) len++;
        if (len == 0 || !is_name_start(start[0]) || start[len] != '}') {
          err = WRDE_SYNTAX;
          break;
        }
        i += 2 + len;
      } else if (is_name_start(next)) {
        start = s + i + 1;
        while (is_name(start[len])) len++;
        i += len;
      } else if (next == '\0' || next == ' ' || next == '\t' || next == '"') {
        err = push_char(&b, '$', 1);
        continue;
      } else {
        err = WRDE_SYNTAX;
        break;
      }
      char *name = strndup(start, len);
      if (!name) {
        err = WRDE_NOSPACE;
        break;
      }
      const char *v = getenv(name);
      free(name);
      if (!v && (flags & WRDE_UNDEF)) {
        err = WRDE_BADVAL;
        break;
      }
      if (dq) b.any = 1;
      err = expand_value(v ? v : "", dq, &b, w);
      continue;
    }
    err = push_char(&b, c, dq);
  }
  if (!err && dq) err = WRDE_SYNTAX;
  if (!err) err = end_word(&b, w);
  free(b.s);
  free(b.q);
  return err;
}

int wordexp(const char *restrict s, wordexp_t *restrict we, int flags) {
  struct words w = {0};
  if (flags & WRDE_REUSE) wordfree(we);
  if (!(flags & WRDE_DOOFFS)) we->we_offs = 0;
  size_t offs = we->we_offs;
  int err = parse(s, flags, &w);
  if (err) {
    for (size_t i = 0; i < w.n; i++) free(w.v[i]);
    free(w.v);
    if (!(flags & WRDE_APPEND)) {
      we->we_wordc = 0;
      we->we_wordv = NULL;
    }
    return err;
  }
  size_t old = flags & WRDE_APPEND ? we->we_wordc : 0;
  char **old_v = flags & WRDE_APPEND ? we->we_wordv : NULL;
  char **v = realloc(old_v, (offs + old + w.n + 1) * sizeof *v);
  if (!v) {
    for (size_t i = 0; i < w.n; i++) free(w.v[i]);
    free(w.v);
    return WRDE_NOSPACE;
  }
  if (!old_v)
    for (size_t i = 0; i < offs; i++) v[i] = NULL;
  memcpy(v + offs + old, w.v, w.n * sizeof *v);
  v[offs + old + w.n] = NULL;
  free(w.v);
  we->we_wordv = v;
  we->we_wordc = old + w.n;
  return 0;
}

void wordfree(wordexp_t *we) {
  if (!we->we_wordv) return;
  for (size_t i = 0; i < we->we_wordc; i++) free(we->we_wordv[we->we_offs + i]);
  free(we->we_wordv);
  we->we_wordv = NULL;
  we->we_wordc = 0;
}
