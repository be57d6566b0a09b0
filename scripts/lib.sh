# Shared by scripts/test, scripts/demo and bench/: installing what is missing, building, private PostgreSQL.
# Sourced, not run. Every function fails loudly.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PGBIN=/usr/lib/postgresql/15/bin

# Debian packages the build, the tests and the demo need (openssl: the TLS tests make their certificates with it).
PACKAGES=(meson ninja-build pkg-config gcc libc6-dev python3 curl ca-certificates
          libmicrohttpd-dev libpq-dev libjansson-dev libinih-dev libsodium-dev check libsubunit-dev
          libgnutls28-dev libcurl4-gnutls-dev postgresql-15 postgresql-client-15 openssl)
# The tests also need Node.js for the OpenAPI validator (tests/openapi), and Chromium with CJK fonts for the
# browser tests of the web page (tests/browser).
TEST_PACKAGES=(nodejs npm chromium fonts-noto-cjk)
# The hardening checks of docs/reliability.md: wrk drives scripts/load, valgrind runs scripts/valgrind.
HARDENING_PACKAGES=(wrk valgrind)
# scripts/fuzz (and its smoke run in scripts/test): clang with libFuzzer and the sanitizer runtimes, and
# llvm-symbolizer for readable stack traces.
FUZZ_PACKAGES=(clang libclang-rt-dev llvm)
# bench/run also needs wrk (HTTP load); pgbench comes with postgresql-15.
BENCH_PACKAGES=(wrk)

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

ensure_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    die "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
  fi
  # PostgreSQL runs as a private cluster of ours: keep the package from creating and starting a system one.
  if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    mkdir -p /etc/postgresql-common
    echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf
  fi
  say "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || die "apt-get update failed"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
}

# build DIR [meson options...]: configure once, then build; warnings are errors.
build() {
  local dir=$1; shift
  if [ ! -f "$ROOT/$dir/build.ninja" ]; then
    meson setup "$ROOT/$dir" "$ROOT" --werror "$@" >/dev/null || die "meson setup $dir failed"
  fi
  ninja -C "$ROOT/$dir" >/dev/null || { ninja -C "$ROOT/$dir"; die "build in $dir failed"; }
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# The cluster runs as the postgres user when we are root (PostgreSQL refuses to run as root). From /, since the
# current folder (a checkout in /root) may be one that user cannot enter, which its tools complain of.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && su postgres -s /bin/bash -c "$*")
  else
    bash -c "$*"
  fi
}

# npm ci of a tests/ folder with a package-lock.json (node_modules is git-ignored).
ensure_node_modules() {
  local dir=$1
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
    say "npm ci in ${dir#$ROOT/}"
    (cd "$dir" && npm ci --no-audit --no-fund --silent) || die "npm ci in $dir failed"
    touch "$dir/node_modules"
  fi
}
