#!/usr/bin/env bash
# tests/sql/generate_check.sh: self-check of bench/generate.
#   1. determinism: the same arguments give byte-identical output (sha256), for several argument sets;
#   2. every line is a valid record of shared/contract/case-record.md (checked in Python against the schema of
#      daemon/case_spec.c that `caseaudit schema case` prints: keys, types, enums, real dates, instants with offset;
#      and id uniqueness, every reference resolves, sizes);
#   3. the embedded holiday data equals sql/calendar/*.csv;
#   4. with CASEAUDIT_DB (a libpq conninfo of a migrated database) and a built caseaudit (CASEAUDIT_CLI, default
#      build/daemon/caseaudit; CASEAUDIT_CONFIG optional), imports N cases (GEN_CHECK_CASES, default 2000) and compares
#      the open findings with the manifest: every injected rule fires on its case, no other rule fires;
#   5. the demo mode (--profile demo --end-date E, as scripts/demo-data runs it), for E = 2026-12-08 (inside the
#      calendar) and 2027-03-15 (past it): determinism for a fixed E, nothing dated after E, the latest filing within
#      7 days of E, every scripted situation present and in its state, the defect mix (recording, document fields
#      and archive the most frequent); with CASEAUDIT_DB (a key=value conninfo: a database of its own is created
#      beside it for each set, then dropped), the findings as of E equal the manifest, each scripted deadline is
#      not flagged the day before its flags_from date and flagged on it, and past the calendar the only findings
#      beyond the manifest are the 0-point calendar_missing_year warnings.
# Prints one line per check and exits non-zero on the first failure.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1   # the checks import bench/generate: leave no __pycache__ behind
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
GEN=$ROOT/bench/generate
TMP=$(mktemp -d "${TMPDIR:-/tmp}/generate-check.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
N=${GEN_CHECK_CASES:-2000}

ok() { echo "ok   $*"; }
fail() { echo "FAIL $*" >&2; exit 1; }

# 1. determinism
n=0
for args in "--cases 1500 --seed 1" \
            "--cases 1500 --seed 2022 --agencies 15 --defect-rate 0.3 --start-year 2019 --end-year 2026" \
            "--cases 800 --seed 9 --agencies 1 --defect-rate 1" \
            "--cases 300 --seed 5 --defect-rate 0 --start-year 2024 --end-year 2024"; do
  n=$((n + 1))
  a=$(python3 "$GEN" $args | sha256sum)
  b=$(python3 "$GEN" $args --manifest "$TMP/m.csv" | sha256sum)
  [ "$a" = "$b" ] || fail "determinism: two runs of bench/generate $args differ"
  python3 "$GEN" $args --out "$TMP/set.$n.ndjson"
done
ok "determinism: identical output for identical arguments"
DEMO="--cases 1500 --seed 2022 --profile demo"
for E in 2026-12-08 2027-03-15; do
  a=$(python3 "$GEN" $DEMO --end-date $E | sha256sum)
  python3 "$GEN" $DEMO --end-date $E --out "$TMP/demo.$E.ndjson" --manifest "$TMP/demo.$E.csv"
  b=$(sha256sum < "$TMP/demo.$E.ndjson")
  [ "$a" = "$b" ] || fail "determinism: two runs of bench/generate $DEMO --end-date $E differ"
done
c=$(python3 "$GEN" $DEMO --end-date 2026-12-09 | sha256sum)
[ "$c" != "$(sha256sum < "$TMP/demo.2026-12-08.ndjson")" ] || fail "determinism: --end-date has no effect"
ok "determinism: demo mode identical for a fixed --end-date, different for another"
# bad arguments: refused with exit 2, naming the flag, writing nothing
for bad in "--end-date 2026-13-01" "--end-date 1999-12-31" "--end-date 2026-12-08 --start-year 2024" "--profile nope"; do
  rm -f "$TMP/bad.ndjson"
  if python3 "$GEN" --cases 5 $bad --out "$TMP/bad.ndjson" 2>"$TMP/bad.err"; then fail "bench/generate $bad was accepted"; fi
  grep -q -- "${bad%% *}" "$TMP/bad.err" || fail "bench/generate $bad: the error does not name ${bad%% *}: $(cat "$TMP/bad.err")"
  [ ! -s "$TMP/bad.ndjson" ] || fail "bench/generate $bad wrote cases"
done
if DEMO_END_DATE=yesterday "$ROOT/scripts/demo-data" http://127.0.0.1:9 x 5 2>"$TMP/bad.err"; then
  fail "scripts/demo-data accepted DEMO_END_DATE=yesterday"; fi
grep -q DEMO_END_DATE "$TMP/bad.err" || fail "scripts/demo-data: the error does not name DEMO_END_DATE"
ok "bad arguments of bench/generate and scripts/demo-data are refused, naming the flag"

# 2 and 3. validation (Python mirror of the spec) and calendar data
"${CASEAUDIT_CLI:-$ROOT/build/daemon/caseaudit}" schema case > "$TMP/case-schema.json" \
  || fail "caseaudit schema case failed (build first, or set CASEAUDIT_CLI)"
python3 - "$ROOT" "$TMP/case-schema.json" "$TMP"/set.*.ndjson "$TMP"/demo.*.ndjson <<'PY'
import csv, datetime, glob, importlib.machinery, importlib.util, json, re, sys

root, schema_file, files = sys.argv[1], sys.argv[2], sys.argv[3:]
END = None      # the end date of a demo file (demo.E.ndjson): its dates may run up to E, even past 2026
S, D, I, E, N, B, O, A, M, INT = "s", "d", "i", "e", "n", "b", "o", "a", "m", "int"

def enum(*v): return (E, v)
def obj(spec, req=()): return (O, spec, set(req))
def arr(item): return (A, item)

# The spec, from the schema the validator is made of (`caseaudit schema case`, daemon/case_spec.c): keys, required
# members, enums, dates, instants and maps as the daemon checks them, never a copy that could drift from it.
def from_schema(n):
    t = n.get("type")
    if t == "object" and "properties" in n:
        return obj({k: from_schema(v) for k, v in n["properties"].items()}, n.get("required", ()))
    if t == "object":
        return (M, from_schema(n["additionalProperties"]))
    if t == "array":
        return arr(from_schema(n["items"]))
    if t == "string":
        return enum(*n["enum"]) if "enum" in n else {"date": D, "date-time": I}.get(n.get("format"), S)
    return {"integer": INT, "number": N, "boolean": B}[t]

SPEC = from_schema(json.load(open(schema_file)))
INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")
CODE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

def date_ok(s):
    try:
        return len(s) == 10 and datetime.date.fromisoformat(s).year >= 1900
    except ValueError:
        return False

def check(v, spec, path, errs):
    if v is None:
        return
    k = spec[0] if isinstance(spec, tuple) else spec
    if k == S:
        ok = isinstance(v, str) and len(v.encode()) <= 65536
    elif k == D:
        ok = isinstance(v, str) and date_ok(v)
    elif k == I:
        ok = isinstance(v, str) and bool(INSTANT.match(v)) and date_ok(v[:10]) and int(v[11:13]) < 24 \
            and int(v[14:16]) < 60 and int(v[17:19]) < 60 and v.endswith("+08:00")
    elif k == E:
        ok = v in spec[1]
    elif k == N:
        ok = isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1e13
    elif k == INT:
        ok = isinstance(v, int) and not isinstance(v, bool) and -2**31 <= v < 2**31
    elif k == B:
        ok = isinstance(v, bool)
    elif k == A:
        ok = isinstance(v, list)
        if ok:
            for n, x in enumerate(v):
                if x is None:
                    errs.append("%s/%d: null item" % (path, n))
                check(x, spec[1], "%s/%d" % (path, n), errs)
    elif k == M:
        ok = isinstance(v, dict) and len(v) <= 200
        if ok:
            for kk, x in v.items():
                if len(kk.encode()) > 64:
                    errs.append("%s/%s: key too long" % (path, kk))
                check(x, spec[1], "%s/%s" % (path, kk), errs)
    elif k == O:
        ok = isinstance(v, dict)
        if ok:
            for kk in v:
                if kk not in spec[1]:
                    errs.append("%s/%s: unknown key" % (path, kk))
            for kk in spec[2]:
                if v.get(kk) is None:
                    errs.append("%s/%s: required" % (path, kk))
            for kk, sub in spec[1].items():
                if kk in v:
                    check(v[kk], sub, "%s/%s" % (path, kk), errs)
    if not ok:
        errs.append("%s: bad %s value %r" % (path, k, v))

def validate(r):
    errs = []
    check(r, SPEC, "", errs)
    if errs:
        return errs
    if not CODE.match(r["agency"]["code"]):
        errs.append("/agency/code")
    if len(r["case_no"].encode()) > 128:
        errs.append("/case_no too long")
    if r["category"] == "penalty" and not r.get("procedure"):
        errs.append("/procedure required for penalties")
    ids = {}
    for space, key in (("document", "documents"), ("event", "events"), ("recording", "recordings")):
        seen = set()
        for n, x in enumerate(r.get(key) or []):
            if x["id"] in seen:
                errs.append("/%s/%d/id duplicate" % (key, n))
            seen.add(x["id"])
        ids[space] = seen
    def ref(space, v, path):
        if v is not None and v not in ids[space]:
            errs.append("%s: dangling %s reference %r" % (path, space, v))
    for n, e in enumerate(r.get("events") or []):
        for m, d in enumerate(e.get("document_refs") or []):
            ref("document", d, "/events/%d/document_refs/%d" % (n, m))
    for n, x in enumerate(r.get("recordings") or []):
        ref("event", x.get("event_ref"), "/recordings/%d/event_ref" % n)
    for n, s in enumerate(r.get("services") or []):
        ref("document", s.get("document_ref"), "/services/%d/document_ref" % n)
        ref("recording", s.get("recording_ref"), "/services/%d/recording_ref" % n)
    for n, c in enumerate((r.get("archive") or {}).get("catalog") or []):
        ref("document", c.get("document_ref"), "/archive/catalog/%d/document_ref" % n)
    # every date a rule computes from stays in the calendar's years (a demo file: from 2019 up to its end date;
    # a hearing notice may name a hearing after it)
    for path, v in walk(r, ""):
        if isinstance(v, str) and re.match(r"^\d{4}-\d{2}-\d{2}", v) and "/cert_valid_" not in path \
                and "/first_review_on" not in path and not path.startswith("/violation/"):
            if END is None and not "2019" <= v[:4] <= "2026":
                errs.append("%s: %s outside 2019-2026" % (path, v))
            elif END is not None and not ("2019" <= v[:4] and v[:10] <= END) and not path.endswith("/fields/held_on"):
                errs.append("%s: %s outside 2019..%s" % (path, v, END))
    return errs

def walk(v, path):
    if isinstance(v, dict):
        for k, x in v.items():
            yield from walk(x, path + "/" + k)
    elif isinstance(v, list):
        for n, x in enumerate(v):
            yield from walk(x, "%s/%d" % (path, n))
    else:
        yield path, v

total = 0
for f in files:
    m = re.search(r"demo\.(\d{4}-\d{2}-\d{2})\.ndjson$", f)
    END = m.group(1) if m else None
    keys = set()
    with open(f, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            total += 1
            def dup(pairs):
                d = {}
                for k, v in pairs:
                    if k in d:
                        raise ValueError("duplicate key " + k)
                    d[k] = v
                return d
            r = json.loads(line, object_pairs_hook=dup)
            errs = validate(r)
            k = (r["agency"]["code"], r["case_no"])
            if k in keys:
                errs.append("duplicate (agency, case_no) %r" % (k,))
            keys.add(k)
            if errs:
                sys.exit("FAIL validation: %s line %d: %s" % (f, n, "; ".join(errs[:5])))
print("ok   validation: %d lines of %d files are valid records" % (total, len(files)))

loader = importlib.machinery.SourceFileLoader("gen", root + "/bench/generate")
spec = importlib.util.spec_from_loader("gen", loader)
gen = importlib.util.module_from_spec(spec)
loader.exec_module(gen)
want = {}
for path in sorted(glob.glob(root + "/sql/calendar/*.csv")):
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            want[row["date"]] = row["kind"][0]
have = {}
for year, items in gen.HOLIDAY_NOTICES.items():
    for it in items.split():
        have["%s-%s-%s" % (year, it[:2], it[2:4])] = it[4]
if want != have:
    sys.exit("FAIL calendar: bench/generate's holiday data differs from sql/calendar/*.csv: %s"
             % sorted(set(want.items()) ^ set(have.items()))[:5])
print("ok   calendar: the embedded holiday notices equal sql/calendar/*.csv (%d dates)" % len(have))
PY

# 5a. the demo mode without a database
python3 - "$TMP" <<'PY'
import collections, csv, datetime, json, sys

tmp = sys.argv[1]
CAL = ("filed_today", "onsite_today", "decided_last_week", "statement_period", "hearing_next_week",
       "seizure_in_term", "seizure_past_term", "decision_overdue")
WD = ("awaiting_service", "publication_due_next_week", "publication_overdue", "service_overdue", "archive_due",
      "archive_overdue")
FIELDS = ("D10", "D15", "D16", "D17")          # the report's blank or wrong document fields
def fam(r):
    return "Dfields" if r in FIELDS else r[0] if r[0] in "RAPL" else "Dother"
def o(s):
    return datetime.date.fromisoformat(s[:10]).toordinal()

def fail(msg):
    sys.exit("FAIL demo: " + msg)

for end, want in (("2026-12-08", CAL + WD), ("2027-03-15", CAL)):
    E = o(end)
    recs = [json.loads(l) for l in open("%s/demo.%s.ndjson" % (tmp, end), encoding="utf-8")]
    man = list(csv.DictReader(open("%s/demo.%s.csv" % (tmp, end), encoding="utf-8")))
    if len(recs) != len(man):
        fail("%s: %d records, %d manifest rows" % (end, len(recs), len(man)))
    latest = max(o(r.get("filed_on") or r.get("decided_on") or min(d["issued_on"] for d in r["documents"]))
                 for r in recs)
    if not E - 7 <= latest <= E:
        fail("%s: the latest filing is %s, not within 7 days of the end date" % (end, datetime.date.fromordinal(latest)))
    open_ = [r for r in recs if not r.get("archive")]
    if len(open_) < 20:
        fail("%s: only %d cases still in progress (not archived) on the end date" % (end, len(open_)))
    sit = {m["situation"]: (m, r) for m, r in zip(man, recs) if m["situation"]}
    if set(sit) != set(want):
        fail("%s: scripted situations %s, want %s" % (end, sorted(sit), sorted(want)))
    def served(r, typ):
        ids = {d["id"] for d in r["documents"] if d["type"] == typ}
        return [s for s in r["services"] if s["document_ref"] in ids]
    checks = {
        "filed_today": lambda r: E - 3 <= o(r["filed_on"]) and not r.get("decided_on"),
        "onsite_today": lambda r: E - 3 <= o(r["decided_on"]) and r["decision"]["penalties"],
        "decided_last_week": lambda r: E - 10 <= o(r["decided_on"]) <= E - 4 and not r.get("closed_on"),
        "statement_period": lambda r: served(r, "prior_notice") and not r.get("decided_on"),
        "hearing_next_week": lambda r: r["hearing"]["notice_served_on"] and r["hearing"]["held_on"] is None
                                       and not r.get("decided_on"),
        "seizure_in_term": lambda r: E - 30 <= o(r["filed_on"]) and not r.get("decided_on")
                                     and not any(d["type"] == "release_decision" for d in r["documents"]),
        "seizure_past_term": lambda r: o(r["filed_on"]) + 30 < E and not r.get("decided_on"),
        "decision_overdue": lambda r: o(r["filed_on"]) + 90 < E and not r.get("decided_on"),
        "awaiting_service": lambda r: r.get("decided_on") and not served(r, "penalty_decision"),
        "publication_due_next_week": lambda r: r.get("decided_on") and not r.get("publication"),
        "publication_overdue": lambda r: r.get("decided_on") and not r.get("publication"),
        "service_overdue": lambda r: r.get("decided_on") and not served(r, "penalty_decision"),
        "archive_due": lambda r: r.get("closed_on") and not r.get("archive"),
        "archive_overdue": lambda r: r.get("closed_on") and not r.get("archive"),
    }
    for name, (m, r) in sorted(sit.items()):
        if not checks[name](r):
            fail("%s: line %s (%s) is not in the state of its situation" % (end, m["line"], name))
        if m["flags_from"] and not o(m["flags_from"]) > E:
            fail("%s: line %s (%s) is flagged from %s, not after the end date" % (end, m["line"], name, m["flags_from"]))
    # the defect mix: over the cases carrying an injected defect (first and second ones)
    n = collections.Counter()
    flagged = 0
    for m in man:
        rules = m["injected_rules"].split()
        flagged += bool(rules)
        n.update(rules)
    fams = collections.Counter()
    for r, k in n.items():
        fams[fam(r)] += k
    share = flagged / len(man)
    if not 0.2 <= share <= 0.4:
        fail("%s: %.1f %% of the cases carry a defect, want 20-40 %%" % (end, 100 * share))
    top = [r for r, _ in n.most_common(6)]
    if any(fam(r) not in ("R", "Dfields", "A") for r in top):
        fail("%s: the most frequent defects %s are not all recording, document fields or archive" % (end, top))
    report = fams["R"] + fams["Dfields"] + fams["A"]
    if min(fams["R"], fams["Dfields"], fams["A"]) <= max(fams["P"], fams["L"]) or report < 0.7 * sum(fams.values()):
        fail("%s: the report's families (R, document fields, A) are not the most frequent: %s" % (end, dict(fams)))
    print("ok   demo %s: %d cases, latest filing %s, %d in progress, %d scripted situations, %.1f %% defective "
          "(R %d, document fields %d, A %d, other D %d, P %d, L %d)"
          % (end, len(recs), datetime.date.fromordinal(latest), len(open_), len(sit), 100 * share, fams["R"],
             fams["Dfields"], fams["A"], fams["Dother"], fams["P"], fams["L"]))
PY

# 4. findings against the manifest
if [ -z "${CASEAUDIT_DB:-}" ]; then
  echo "skip findings: set CASEAUDIT_DB (a migrated database) to import and compare with the manifest"
  exit 0
fi
CLI=${CASEAUDIT_CLI:-$ROOT/build/daemon/caseaudit}
CFG=()
[ -n "${CASEAUDIT_CONFIG:-}" ] && CFG=(--config "$CASEAUDIT_CONFIG")
python3 "$GEN" --cases "$N" --seed 4242 --out "$TMP/f.ndjson" --manifest "$TMP/f.csv"
"$CLI" "${CFG[@]}" --db "$CASEAUDIT_DB" import "$TMP/f.ndjson" > "$TMP/import.log" || {
  grep -m 20 '^line' "$TMP/import.log" >&2 || true
  fail "import: $(tail -1 "$TMP/import.log")"
}
ok "import: $(tail -1 "$TMP/import.log")"
# A case is evaluated when it is stored: the earlier of two cases sharing a decision number (D14) learns of the later
# one only when audited again. Re-evaluate those cases, as a batch audit would.
psql "$CASEAUDIT_DB" -XqAt -c "SELECT count(*) FROM (
  SELECT ca_evaluate(x.pack, array_agg(x.id), current_date) FROM (
    SELECT DISTINCT c.evaluated_pack AS pack, c.id FROM cases c
      JOIN case_documents d ON d.case_id = c.id AND d.type IN ('penalty_decision', 'onsite_penalty_decision')
     WHERE c.evaluated_pack IS NOT NULL AND EXISTS (
       SELECT 1 FROM case_documents d2 JOIN cases c2 ON c2.id = d2.case_id
        WHERE d2.number = d.number AND d2.type IN ('penalty_decision', 'onsite_penalty_decision')
          AND c2.agency_code = c.agency_code AND c2.id <> c.id)) x GROUP BY x.pack) e" >/dev/null
psql "$CASEAUDIT_DB" -XAtF $'\t' -c "SELECT c.agency_code, c.case_no, f.rule_id
  FROM findings f JOIN cases c ON c.id = f.case_id WHERE f.status = 'open'" > "$TMP/findings.tsv"
python3 - "$TMP/f.csv" "$TMP/findings.tsv" <<'PY'
import collections, csv, sys
man = {(r["agency"], r["case_no"]): (int(r["line"]), set(r["injected_rules"].split()))
       for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
fired = collections.defaultdict(set)
for line in open(sys.argv[2], encoding="utf-8"):
    a, c, rule = line.rstrip("\n").split("\t")
    fired[(a, c)].add(rule)
inj, hit, extra, bad = collections.Counter(), collections.Counter(), collections.Counter(), []
for key, (line, rules) in sorted(man.items(), key=lambda x: x[1][0]):
    got = fired.get(key, set())
    for r in rules:
        inj[r] += 1
        hit[r] += r in got
        if r not in got:
            bad.append("line %d: %s injected, did not fire" % (line, r))
    for r in sorted(got - rules):
        extra[r] += 1
        bad.append("line %d: %s fired, not injected (injected: %s)" % (line, r, " ".join(sorted(rules)) or "none"))
print("rule  injected  fired  unintended")
for r in sorted(set(inj) | set(extra)):
    print("%-5s %8d %6d %11d" % (r, inj[r], hit[r], extra[r]))
clean = sum(1 for k, (l, rules) in man.items() if not rules and not fired.get(k))
print("clean cases without findings: %d of %d" % (clean, sum(1 for l, rules in man.values() if not rules)))
if bad:
    print("\n".join(bad[:30]), file=sys.stderr)
    sys.exit("FAIL findings: %d mismatches with the manifest" % len(bad))
print("ok   findings: every injected rule fired on its case and no other rule fired")
PY

# 5b. the demo mode against the rules: a database of its own per end date (the sets share case numbers)
for E in 2026-12-08 2027-03-15; do
  db="gencheck_demo_${E//-/}_$$"
  psql "$CASEAUDIT_DB" -XqAt -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
  DDB="$CASEAUDIT_DB dbname=$db"
  "$CLI" "${CFG[@]}" --db "$DDB" migrate > "$TMP/migrate.log" 2>&1 || { tail -5 "$TMP/migrate.log" >&2; fail "migrate $db"; }
  "$CLI" "${CFG[@]}" --db "$DDB" import "$TMP/demo.$E.ndjson" > "$TMP/import.log" || {
    grep -m 20 '^line' "$TMP/import.log" >&2 || true
    psql "$CASEAUDIT_DB" -XqAt -c "DROP DATABASE IF EXISTS $db" >/dev/null
    fail "demo import $E: $(tail -1 "$TMP/import.log")"
  }
  ok "demo import $E: $(tail -1 "$TMP/import.log")"
  # the nightly audit as of E (the import evaluated as of today), then each scripted deadline the day before it
  # passes and the day it has passed
  psql "$DDB" -XqAt -v ON_ERROR_STOP=1 -c "SELECT count(*) FROM (SELECT ca_evaluate(evaluated_pack, array_agg(id),
    date '$E') FROM cases WHERE evaluated_pack IS NOT NULL GROUP BY evaluated_pack) e" >/dev/null
  psql "$DDB" -XAtF $'\t' -c "SELECT c.agency_code, c.case_no, f.rule_id, f.evidence ? 'calendar_missing_year'
    FROM findings f JOIN cases c ON c.id = f.case_id WHERE f.status = 'open'" > "$TMP/demo.findings.tsv"
  awk -F, 'NR > 1 && $6 != "" {print $3 "\t" $2 "\t" $6 "\t" $7}' "$TMP/demo.$E.csv" > "$TMP/then.tsv"
  : > "$TMP/then.fired"
  while IFS=$'\t' read -r agency case_no from rules; do
    for as_of in "$(date -d "$from - 1 day" +%F)" "$from"; do
      # two statements: a statement does not see the findings its own ca_evaluate writes
      psql "$DDB" -XAtF $'\t' -v ON_ERROR_STOP=1 -c "SELECT count(*) FROM cases c,
          LATERAL ca_evaluate(c.evaluated_pack, ARRAY[c.id], date '$as_of') e
          WHERE c.agency_code = '$agency' AND c.case_no = '$case_no'" > /dev/null
      psql "$DDB" -XAtF $'\t' -v ON_ERROR_STOP=1 -c "SELECT '$case_no', '$as_of', coalesce(string_agg(f.rule_id, ' ' ORDER BY f.rule_id), '')
          FROM cases c LEFT JOIN findings f ON f.case_id = c.id AND f.status = 'open'
          WHERE c.agency_code = '$agency' AND c.case_no = '$case_no'" >> "$TMP/then.fired"
    done
  done < "$TMP/then.tsv"
  psql "$CASEAUDIT_DB" -XqAt -c "DROP DATABASE IF EXISTS $db" >/dev/null
  python3 - "$E" "$TMP/demo.$E.csv" "$TMP/demo.findings.tsv" "$TMP/then.tsv" "$TMP/then.fired" <<'PY'
import collections, csv, sys
end, manifest, findings, then, fired_then = sys.argv[1:]
man = {(r["agency"], r["case_no"]): r for r in csv.DictReader(open(manifest, encoding="utf-8"))}
fired, calendar = collections.defaultdict(set), collections.Counter()
for line in open(findings, encoding="utf-8"):
    a, c, rule, cal = line.rstrip("\n").split("\t")
    if cal == "t":
        calendar[rule] += 1         # past the calendar: 0 points, "load that year"; never in the manifest
    else:
        fired[(a, c)].add(rule)
bad = []
for key, r in sorted(man.items(), key=lambda x: int(x[1]["line"])):
    want, got = set(r["injected_rules"].split()), fired.get(key, set())
    for x in sorted(want - got):
        bad.append("line %s %s: %s injected, did not fire as of %s" % (r["line"], r["situation"], x, end))
    for x in sorted(got - want):
        bad.append("line %s %s: %s fired as of %s, not injected (%s)" % (r["line"], r["situation"], x, end,
                                                                       " ".join(sorted(want)) or "none"))
if calendar and end <= "2026-12-31":
    bad.append("calendar_missing_year findings inside the calendar: %s" % dict(calendar))
rows = [l.rstrip("\n").split("\t") for l in open(then, encoding="utf-8")]
seen = collections.defaultdict(dict)
for l in open(fired_then, encoding="utf-8"):
    c, as_of, rules = l.rstrip("\n").split("\t")
    seen[c][as_of] = set(rules.split())
for agency, case_no, frm, rules in rows:
    got = seen.get(case_no, {})
    before = [v for k, v in got.items() if k < frm]
    if len(got) != 2 or before[0] or not set(rules.split()) <= got[frm]:
        bad.append("%s: %s should fire from %s and not the day before; got %s" % (case_no, rules, frm, dict(got)))
if bad:
    print("\n".join(bad[:30]), file=sys.stderr)
    sys.exit("FAIL demo findings %s: %d mismatches with the manifest" % (end, len(bad)))
print("ok   demo findings as of %s: as the manifest (%d cases flagged); %d scripted deadlines not flagged the day "
      "before and flagged from their date; calendar_missing_year warnings: %s"
      % (end, sum(1 for r in man.values() if r["injected_rules"]), len(rows), dict(calendar) or "none"))
PY
done
