#!/usr/bin/env python3
"""tests/static/case_format_bounds.py ROOT CASEAUDIT: the Bounds table of docs/case-format.md against the schema the
validator is made of (`caseaudit schema case`, from daemon/case_spec.c). Each row's limit must be the bound of every
path it names (a string's bytes, an array's items, a map's keys); "any string not named below" must be the bound of
every string the table does not name. A bound changed in the spec and not in the docs fails here. TAP output."""
import json
import re
import subprocess
import sys

root, cli = sys.argv[1], sys.argv[2]
schema = json.loads(subprocess.run([cli, "schema", "case"], check=True, capture_output=True, text=True).stdout)
text = open(root + "/docs/case-format.md", encoding="utf-8").read()
table = text.split("## Bounds", 1)[1].split("\n## ", 1)[0]

# every bounded node of the schema by its path in the docs' notation: documents[].fields, archive.catalog
nodes = {}


def walk(node, path):
    nodes[path] = node
    for k, v in (node.get("properties") or {}).items():
        walk(v, (path + "." if path else "") + k)
    if "items" in node:
        walk(node["items"], path + "[]")
    if isinstance(node.get("additionalProperties"), dict):
        walk(node["additionalProperties"], path + "{}")


walk(schema, "")

n = failed = 0


def result(ok, what):
    global n, failed
    n += 1
    failed += not ok
    print(("ok" if ok else "not ok") + " %d - %s" % (n, what))


named = set()
default_limit = None
for line in table.splitlines():
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) != 2 or not re.match(r"^[\d,]+( items( each)?)?$", cells[1]):
        continue
    what, limit = cells[0], int(cells[1].split()[0].replace(",", ""))
    if what.startswith("any string not named below"):
        default_limit = limit
        continue
    if what.startswith("ids and references"):  # every id and every reference to one (the spec describes them)
        refs = [p for p, nd in nodes.items() if re.search(r"'s id, unique|names an? \w+ of the record",
                                                          nd.get("description", ""))]
        result(len(refs) >= 8, "ids and references: %d of them" % len(refs))
        for p in refs:
            named.add(p)
            result(nodes[p].get("x-max-bytes") == limit, "`%s` (an id or reference): %d (the spec: %s)"
                   % (p, limit, nodes[p].get("x-max-bytes")))
        continue
    for m in re.finditer(r"(keys of |values of )?`([^`]+)`", what):
        keys, path = m.group(1), m.group(2)
        if keys == "values of ":
            keys, path = None, path + "{}"
        node = nodes.get(path)
        if node is None:
            result(False, "`%s` (%s): no such field in the case record" % (path, what))
            continue
        if keys:  # the keys of a map: their bytes or their number
            bound = {re.search(r"keys of at most (\d+) bytes", node.get("description", "")).group(1),
                     str(node.get("maxProperties"))}
            result(str(limit) in bound, "keys of `%s`: %d (the spec: %s)" % (path, limit, " or ".join(sorted(bound))))
            continue
        named.add(path)
        bound = node.get("x-max-bytes", node.get("maxItems"))
        result(bound == limit, "`%s`: %d (the spec: %s)" % (path, limit, bound))

result(default_limit is not None, "the table gives the bound of any other string")
for path, node in sorted(nodes.items()):
    if node.get("type") == "string" and "x-max-bytes" in node and path not in named:
        if node["x-max-bytes"] != default_limit:
            result(False, "`%s`: %s bytes in the spec, not named in docs/case-format.md (any other string: %s)"
                   % (path, node["x-max-bytes"], default_limit))
others = sum(1 for p, nd in nodes.items() if nd.get("type") == "string" and "x-max-bytes" in nd and p not in named)
result(others > 20, "%d other strings, each of %s bytes" % (others, default_limit))
# `caseaudit schema` refuses what it does not know, naming what it takes (exit 2, nothing on standard output)
for args in (["schema"], ["schema", "record"], ["schema", "case", "extra"]):
    p = subprocess.run([cli] + args, capture_output=True, text=True)
    result(p.returncode == 2 and "schema takes one argument, 'case'" in p.stderr and p.stdout == "",
           "caseaudit %s: exit 2 naming 'case' (%d, %r)" % (" ".join(args), p.returncode, p.stderr.strip()))
print("1..%d" % n)
sys.exit(1 if failed else 0)
