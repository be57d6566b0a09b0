#!/usr/bin/env python3
"""Fails when a SQL function (or procedure, or trigger) is defined more than once in the tree, or outside its place.

Issue 16 (rule pack v2): every function has one current definition. The numbered migrations (sql/NNNN_*.sql) hold
tables, indexes and data only; the engine's functions are in sql/engine/ (dispatch.sql.in included), a rule's in
its folder (rules/<ID>/rule.sql, where ca_rule_<id> must be defined). Comments and the bodies of DO blocks are not
definitions. Prints one line per problem and "N passed, M failed"; exit 1 when there is any."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else '.')
defs = re.compile(r'^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(FUNCTION|PROCEDURE|TRIGGER)\s+(\w+)', re.I | re.M)
seen, problems, files = {}, [], 0
sources = sorted(root.glob('sql/*.sql')) + sorted(root.glob('sql/engine/*')) + sorted(root.glob('rules/*/*.sql'))
for path in sources:
    rel = path.relative_to(root).as_posix()
    files += 1
    # drop -- comments (none of the definitions has "--" inside a string literal on its CREATE line)
    text = re.sub(r'--[^\n]*', '', path.read_text(encoding='utf-8'))
    for m in defs.finditer(text):
        kind, name = m.group(1).upper(), m.group(2).lower()
        line = text.count('\n', 0, m.start()) + 1
        where = f'{rel}:{line}'
        if (kind, name) in seen:
            problems.append(f'{kind} {name} is defined twice: {seen[(kind, name)]} and {where}')
        else:
            seen[(kind, name)] = where
        if re.fullmatch(r'sql/\d{4}_.*\.sql', rel):
            problems.append(f'{where}: {kind} {name} in a numbered migration (functions live in sql/engine/ or '
                            f'rules/<ID>/rule.sql)')
        rule = re.fullmatch(r'rules/([A-Z]\d\d)/rule\.sql', rel)
        if name.startswith('ca_rule_') and re.fullmatch(r'ca_rule_[a-z]\d\d', name) and \
                (rule is None or name != 'ca_rule_' + rule.group(1).lower()):
            problems.append(f'{where}: {name} belongs in rules/{name[-3:].upper()}/rule.sql')
for p in problems:
    print('not ok - ' + p)
print(f'# {len(seen)} definitions in {files} files')
print(f'{0 if problems else 1} passed, {1 if problems else 0} failed')
sys.exit(1 if problems else 0)
