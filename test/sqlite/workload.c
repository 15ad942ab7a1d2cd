/* SQLite with a large mmap_size: its pager reads pages through mmap and
 * writes them with pwrite, the pattern fd/mapping coherence exists for.
 * Prints only results (counts, sums, checksums, integrity_check), never
 * paths or timings. argv[1]: the database path (absolute; SQLite resolves
 * relative paths with getcwd, which WASI lacks). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "sqlite3.h"

static sqlite3 *db;

static void exec(const char *sql) {
  char *err = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
    printf("error in %s: %s\n", sql, err);
    exit(1);
  }
}

/* Prints every row of a query in one line per row, and a checksum of all rows. */
static void query(const char *label, const char *sql, int print_rows) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
    printf("prepare %s: %s\n", label, sqlite3_errmsg(db));
    exit(1);
  }
  uint64_t h = 1469598103934665603ull;
  int rows = 0, rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    rows++;
    for (int i = 0; i < sqlite3_column_count(st); i++) {
      const unsigned char *t = sqlite3_column_text(st, i);
      if (print_rows) printf("%s%s", i ? "|" : "", t ? (const char *)t : "NULL");
      for (; t && *t; t++) h = (h ^ *t) * 1099511628211ull;
      h = (h ^ '|') * 1099511628211ull;
    }
    if (print_rows) printf("\n");
  }
  if (rc != SQLITE_DONE) printf("step %s: %s\n", label, sqlite3_errmsg(db));
  printf("%s: %d rows, %016llx\n", label, rows, (unsigned long long)h);
  sqlite3_finalize(st);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  /* unix-none: no POSIX advisory locks (WASI has no fcntl); one process
   * uses the database, so none are needed. Natively the same VFS. */
  if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "unix-none") != SQLITE_OK) {
    printf("open: %s\n", sqlite3_errmsg(db));
    return 1;
  }
  exec("PRAGMA mmap_size = 1073741824");
  query("mmap_size", "PRAGMA mmap_size", 1);
  exec("PRAGMA cache_size = 200"); /* a small cache: pages come back through the mapping */
  exec("CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, name TEXT, v REAL)");
  exec("CREATE INDEX t_k ON t(k)");
  sqlite3_stmt *ins;
  sqlite3_prepare_v2(db, "INSERT INTO t(k, name, v) VALUES(?, ?, ?)", -1, &ins, NULL);
  char name[64];
  uint32_t x = 12345;
  for (int batch = 0; batch < 10; batch++) {
    exec("BEGIN");
    for (int i = 0; i < 10000; i++) {
      x = x * 1103515245u + 12345u;
      int k = (int)((x >> 8) % 50000);
      snprintf(name, sizeof name, "name-%d-%u", batch * 10000 + i, x % 997);
      sqlite3_bind_int(ins, 1, k);
      sqlite3_bind_text(ins, 2, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_double(ins, 3, (double)(x % 100000) / 7.0);
      if (sqlite3_step(ins) != SQLITE_DONE) {
        printf("insert: %s\n", sqlite3_errmsg(db));
        return 1;
      }
      sqlite3_reset(ins);
    }
    exec("COMMIT");
  }
  sqlite3_finalize(ins);
  query("count", "SELECT count(*), sum(k), printf('%.3f', sum(v)) FROM t", 1);
  query("by index", "SELECT id, k, name FROM t WHERE k BETWEEN 1000 AND 1100 ORDER BY k, id", 0);
  query("group", "SELECT k % 10, count(*), max(id) FROM t GROUP BY k % 10 ORDER BY 1", 1);
  exec("BEGIN");
  exec("UPDATE t SET v = v * 2, name = name || '-u' WHERE k % 7 = 0");
  exec("DELETE FROM t WHERE k % 11 = 0");
  exec("COMMIT");
  query("after update/delete", "SELECT count(*), sum(k), printf('%.3f', sum(v)) FROM t", 1);
  query("updated rows", "SELECT id, name FROM t WHERE name LIKE '%-u' ORDER BY id", 0);
  exec("CREATE INDEX t_name ON t(name)");
  query("by name index", "SELECT id, k FROM t WHERE name >= 'name-5' AND name < 'name-6' ORDER BY name", 0);
  query("integrity_check", "PRAGMA integrity_check", 1);
  sqlite3_close(db);
  /* Reopen: what was committed is in the file. */
  sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, "unix-none");
  exec("PRAGMA mmap_size = 1073741824");
  query("reopened", "SELECT count(*), sum(k) FROM t", 1);
  query("reopened integrity_check", "PRAGMA integrity_check", 1);
  sqlite3_close(db);
  return 0;
}
