#!/usr/bin/env python3
"""scripts/rules-gen, which makes the build's dispatcher, refuses an incomplete rule folder (a copy of rules/ with one
defect each): metadata without SQL, metadata without fixtures, SQL without metadata, a stray file, a settled
condition of a rule that is not time-dependent; and accepts the real folders. TAP, one line per case."""
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else '.').resolve()
gen = root / 'scripts' / 'rules-gen'
template = root / 'sql' / 'engine' / 'dispatch.sql.in'


def run(rules):
    with tempfile.TemporaryDirectory() as out:
        p = subprocess.run([sys.executable, str(gen), '--rules', str(rules), '--template', str(template),
                            '--out-c', os.path.join(out, 'e.c'), '--out-sql', os.path.join(out, 'd.sql'),
                            '--root', str(root)], capture_output=True, text=True)
        return p.returncode, p.stderr


def remove(name):
    return lambda d: (d / 'P02' / name).unlink()


cases = [
    ('the real rule folders are accepted', None, 0, ''),
    ('metadata but no SQL', remove('rule.sql'), 1, 'rule.json but no rule.sql'),
    ('metadata but no fixtures', remove('fixtures.json'), 1, 'no fixtures.json'),
    ('SQL but no metadata', remove('rule.json'), 1, 'rule.sql but no rule.json'),
    ('a stray file in a folder', lambda d: (d / 'P02' / 'rule.sq').write_text('x'), 1, 'not a file of a rule folder'),
    ('a group file beside the folders', lambda d: (d / 'publicity.json').write_text('{}'), 1, 'only pack.json'),
    ('a settled condition of a rule that is not time-dependent',
     lambda d: (d / 'P02' / 'settled.sql').write_text('SELECT c.id FROM c'), 1, 'only a time-dependent rule'),
]
print(f'1..{len(cases)}')
failed = 0
for n, (name, breaks, want_rc, want_msg) in enumerate(cases, 1):
    with tempfile.TemporaryDirectory() as tmp:
        rules = pathlib.Path(tmp) / 'rules'
        shutil.copytree(root / 'rules', rules)
        if breaks:
            breaks(rules)
        rc, err = run(rules)
    ok = rc == want_rc and want_msg in err
    failed += not ok
    print(f'{"ok" if ok else "not ok"} {n} - {name}' + ('' if ok else f' (exit {rc}: {err.strip()[:300]})'))
sys.exit(1 if failed else 0)
