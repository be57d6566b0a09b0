/* bench/sqldump: prints the statements of daemon/db_sql.c, so that bench/run builds its pgbench scripts from the
 * very SQL the daemon runs (bench/pgbench/NAME.sql name the statements and their arguments).
 *   sqldump            every statement as "name NUL sql NUL by_filters NUL" (by_filters: "0" or "1")
 *   sqldump NAME MASK  the text the daemon prepares for statement NAME when the parameters in MASK (hex; bit i:
 *                      $i+1) are NULL: for a by_filters statement its variant (db_sql_variant), else its text
 * Built by bench/run: cc -I daemon bench/sqldump.c daemon/db_sql.c daemon/db_variant.c */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_sql.h"

int main(int argc, char **argv)
{
  if (argc == 3) {
    for (int i = 0; i < STMT__COUNT; i++) {
      const struct db_stmt *s = &db_statements[i];
      if (s->name == NULL || strcmp(s->name, argv[1]) != 0)
        continue;
      if (!db_statement_by_filters[i]) {
        fputs(s->sql, stdout);
        return ferror(stdout) ? 1 : 0;
      }
      char *end;
      unsigned long mask = strtoul(argv[2], &end, 16);
      if (argv[2][0] == '\0' || *end != '\0') {
        fprintf(stderr, "sqldump: MASK '%s' is not a hexadecimal number\n", argv[2]);
        return 2;
      }
      char *out = db_sql_variant_new(s, mask);
      if (out == NULL)
        return 1;
      fputs(out, stdout);
      free(out);
      return ferror(stdout) ? 1 : 0;
    }
    fprintf(stderr, "sqldump: no statement named %s\n", argv[1]);
    return 2;
  }
  for (int i = 0; i < STMT__COUNT; i++) {
    if (db_statements[i].name == NULL || db_statements[i].sql == NULL)
      continue;
    fputs(db_statements[i].name, stdout);
    putchar('\0');
    fputs(db_statements[i].sql, stdout);
    putchar('\0');
    putchar(db_statement_by_filters[i] ? '1' : '0');
    putchar('\0');
  }
  return ferror(stdout) ? 1 : 0;
}
