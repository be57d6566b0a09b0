/* bench/sqldump: prints every statement of daemon/db_sql.c as "name NUL sql NUL", so that bench/run builds its
 * pgbench scripts from the very SQL the daemon runs (bench/pgbench/*.sql name the statements and their arguments).
 * Built by bench/run: cc -I daemon bench/sqldump.c daemon/db_sql.c */
#include <stdio.h>

#include "db_sql.h"

int main(void)
{
  for (int i = 0; i < STMT__COUNT; i++) {
    if (db_statements[i].name == NULL || db_statements[i].sql == NULL)
      continue;
    fputs(db_statements[i].name, stdout);
    putchar('\0');
    fputs(db_statements[i].sql, stdout);
    putchar('\0');
  }
  return ferror(stdout) ? 1 : 0;
}
