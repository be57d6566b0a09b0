#!/usr/bin/env python3
"""Fails when SQL could be built from request data.

- Only daemon/db*.c may include libpq-fe.h (the storage boundary).
- Every libpq call that takes SQL text (PQexec, PQexecParams, PQprepare, PQsendQuery, PQsendQueryParams,
  PQsendPrepare) must pass a string literal, a statement of the table in db_sql.c (s->sql), an embedded migration
  (m->data), the advisory-lock text that db_migrate.c formats from a numeric constant, or in db.c the text of a
  statement or of its variant for a set of NULL parameters (db_variant.c: derived from s->sql and a bit mask).
- db_sql.c holds constant strings only: no format directives, no variables spliced into statements.
Prints one line per problem; exit 1 when there is any."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else '.')
daemon = root / 'daemon'
problems = []
calls = re.compile(r'\b(PQexec|PQexecParams|PQprepare|PQsendQuery|PQsendQueryParams|PQsendPrepare)\s*\(')
allowed = {'s->sql', 'm->data', 'sql', 'command', 'text'}

for path in sorted(daemon.glob('*.c')) + sorted(daemon.glob('*.h')):
    text = path.read_text(encoding='utf-8')
    if '#include <libpq-fe.h>' in text and not path.name.startswith('db'):
        problems.append(f'{path.name}: includes libpq-fe.h outside the storage layer (db*.c)')
    for m in calls.finditer(text):
        # the SQL argument: 2nd for PQexec/PQsendQuery*/PQexecParams, 3rd for PQprepare/PQsendPrepare
        args, depth, cur, i = [], 0, '', m.end()
        while i < len(text):
            ch = text[i]
            if ch == '"':
                j = i + 1
                while text[j] != '"' or text[j - 1] == '\\':
                    j += 1
                cur += text[i:j + 1]
                i = j + 1
                continue
            if ch in '([{':
                depth += 1
            elif ch in ')]}':
                if depth == 0:
                    args.append(cur.strip())
                    break
                depth -= 1
            elif ch == ',' and depth == 0:
                args.append(cur.strip())
                cur = ''
                i += 1
                continue
            cur += ch
            i += 1
        index = 2 if m.group(1) in ('PQprepare', 'PQsendPrepare') else 1
        sql = args[index] if len(args) > index else ''
        line = text.count('\n', 0, m.start()) + 1
        literal = re.fullmatch(r'("([^"\\]|\\.)*"\s*)+', sql) is not None
        if not literal and sql not in allowed:
            problems.append(f'{path.name}:{line}: {m.group(1)} with SQL from "{sql}"')
        if sql == 'sql' and path.name != 'db_migrate.c':
            problems.append(f'{path.name}:{line}: {m.group(1)} with a formatted SQL string outside db_migrate.c')
        if sql == 'text' and path.name != 'db.c':
            problems.append(f'{path.name}:{line}: {m.group(1)} with a statement text parameter outside db.c')
        if sql == 'command' and path.name != 'db.c':
            problems.append(f'{path.name}:{line}: {m.group(1)} with a SQL command parameter outside db.c')

# db.c runs transaction control through simple(c, "BEGIN"): every caller must pass a literal.
for m in re.finditer(r'\bsimple\(c, ([^)]*)\)', (daemon / 'db.c').read_text(encoding='utf-8')):
    if not re.fullmatch(r'"[A-Z ]+"', m.group(1).strip()) and m.group(1).strip() != 'const char *command':
        problems.append(f'db.c: simple() called with "{m.group(1)}", not a literal command')

migrate = (daemon / 'db_migrate.c').read_text(encoding='utf-8')
for fmt in re.findall(r'snprintf\(sql, sizeof sql, ("[^"]*")', migrate):
    if re.search(r'%[^l]|%l[^l]|%ll[^d]', fmt):
        problems.append(f'db_migrate.c: the formatted SQL {fmt} takes something other than a number')

# db_variant.c derives a variant from a statement and a mask of NULL parameters: no other input may reach it.
variant = (daemon / 'db_variant.c').read_text(encoding='utf-8')
if not re.search(r'\bint db_sql_variant\(const struct db_stmt \*s, unsigned long null_mask, char \*out, size_t outlen\)',
                 variant) or re.search(r'\b(s?n?printf|strn?cat)\s*\(', variant):
    problems.append('db_variant.c: db_sql_variant must take only a statement and a mask, and format nothing')

sqltable = (daemon / 'db_sql.c').read_text(encoding='utf-8')
if re.search(r'\b(s?n?printf|strn?cat|strn?cpy|memcpy|malloc)\s*\(', sqltable):
    problems.append('db_sql.c: statements must be constant strings (no C string building)')

for p in problems:
    print('not ok -', p)
print(f'{0 if problems else 1} passed, {len(problems)} failed')
sys.exit(1 if problems else 0)
