#!/usr/bin/env bash
# tests/scripts/pgcluster.sh ROOT: scripts/pgcluster from a folder the postgres user cannot enter (a checkout in
# /root, mode 0700), from one it can, and with a socket path too long for a Unix socket. TAP output.
# As root (as scripts/test and CI run) every case runs; as another user only the ones that need no postgres user.
set -uo pipefail
ROOT=$1
PGC=$ROOT/scripts/pgcluster
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then ok "$what"; else not_ok "$what"; fi
}
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

work=$(mktemp -d "${TMPDIR:-/tmp}/pgcluster-test.XXXXXX")
clusters=$(mktemp -d "${TMPDIR:-/tmp}/pgcluster-homes.XXXXXX")
chmod 755 "$clusters"
export CASEAUDIT_CLUSTERS=$clusters/clusters
started=()
cleanup() {
  local d
  for d in "${started[@]}"; do "$PGC" "${d% *}" "${d#* }" remove >/dev/null 2>&1 || true; done
  rm -rf "$work" "$clusters"
}
trap cleanup EXIT

if [ "$(id -u)" -eq 0 ]; then
  # 1. A checkout in a 0700 folder, as /root is: the cluster gets a home of its own that postgres can reach.
  chmod 700 "$work"
  dir=$work/checkout/var/pg
  port=$(free_port)
  started+=("$dir $port")
  check "init from a 0700 folder succeeds" "$PGC" "$dir" "$port" init
  home=$("$PGC" "$dir" "$port" socket)
  check "the home is a folder of its own under CASEAUDIT_CLUSTERS ($home)" \
    test "${home#"$CASEAUDIT_CLUSTERS"/}" != "$home" -a -f "$home/data/PG_VERSION"
  check "the home belongs to postgres, mode 0700" test "$(stat -c '%U %a' "$home")" = "postgres 700"
  check "DIR/home names the home" test "$(cat "$dir/home")" = "$home"
  check "start" "$PGC" "$dir" "$port" start
  check "a client connects through the home's socket" \
    test "$(psql "host=$home port=$port user=postgres dbname=postgres" -XtAc 'SELECT 41 + 1' 2>&1)" = 42
  psql "host=$home port=$port user=postgres dbname=postgres" -Xqc 'CREATE TABLE kept (x int); INSERT INTO kept VALUES (7)'
  check "status says it runs" bash -c "'$PGC' '$dir' $port status >/dev/null"
  check "stop" "$PGC" "$dir" "$port" stop
  if "$PGC" "$dir" "$port" status >/dev/null 2>&1; then not_ok "status after stop fails"; else ok "status after stop fails"; fi
  # a second run (scripts/demo again) finds the same cluster, socket and data
  "$PGC" "$dir" "$port" init && "$PGC" "$dir" "$port" start
  check "init again keeps the same home" test "$("$PGC" "$dir" "$port" socket)" = "$home"
  check "the data of the first run is still there" \
    test "$(psql "host=$home port=$port user=postgres dbname=postgres" -XtAc 'SELECT x FROM kept' 2>&1)" = 7
  check "the 0700 folder outside the checkout kept its mode" test "$(stat -c '%a' "$work")" = 700
  check "remove" "$PGC" "$dir" "$port" remove
  check "remove deletes the home and DIR" test ! -e "$home" -a ! -e "$dir"

  # 2. A folder postgres can enter: the cluster lives in DIR itself, as before.
  chmod 755 "$work"
  dir=$work/open/pg
  port=$(free_port)
  started+=("$dir $port")
  check "init in a folder postgres can enter" "$PGC" "$dir" "$port" init
  check "the home is DIR itself" test "$("$PGC" "$dir" "$port" socket)" = "$dir" -a -f "$dir/data/PG_VERSION"
  check "start and connect" bash -c "'$PGC' '$dir' $port start && psql 'host=$dir port=$port user=postgres dbname=postgres' -XtAc 'SELECT 1' >/dev/null"
  "$PGC" "$dir" "$port" remove

  # 3. A path too long for a Unix socket's address (107 bytes): a home of its own too.
  long=$work/open/$(printf 'x%.0s' $(seq 90))/pg
  port=$(free_port)
  started+=("$long $port")
  check "init with a long path" "$PGC" "$long" "$port" init
  home=$("$PGC" "$long" "$port" socket)
  check "a long path gets a short home ($home)" test "$home" != "$long" -a ${#home} -lt 100
  check "start and connect through the short home" bash -c "'$PGC' '$long' $port start && psql 'host=$home port=$port user=postgres dbname=postgres' -XtAc 'SELECT 1' >/dev/null"
  "$PGC" "$long" "$port" remove
else
  echo "# not root: the postgres-user cases are skipped"
fi

# Refusals, as any user.
if "$PGC" "$work/x" notaport init 2>"$work/err"; then not_ok "a bad PORT is refused"; else
  check "a bad PORT is refused, naming it" grep -q "PORT 'notaport' is not a number" "$work/err"; fi
if "$PGC" "$work/x" 5432 frobnicate 2>"$work/err"; then not_ok "an unknown action is refused"; else
  check "an unknown action is refused, naming it" grep -q "unknown action 'frobnicate'" "$work/err"; fi

echo "1..$n"
[ "$failed" -eq 0 ]
