#!/usr/bin/env bash
# scripts/pg-test.sh start|stop|uri: a throwaway PostgreSQL 15 server for the tests.
#
# Debian's PostgreSQL 15 (scripts/install-deps.sh installs it), in its own directory
# under /tmp, listening only on 127.0.0.1:54329 (and a unix socket in that
# directory), trust authentication, superuser role `junheng`. It is a test server:
# fsync, full_page_writes and synchronous_commit are off, so a power cut may lose
# or corrupt it; never point it at data you keep.
#
# initdb and postgres refuse to run as root, so as root (CI) the server runs as the
# `postgres` user that Debian's package creates; otherwise as the current user.
# Every command is idempotent: `start` on a running server only waits until it
# accepts connections, `stop` on a stopped one does nothing.
#   JUNHENG_PG_PORT (54329) and JUNHENG_PG_DIR (/tmp/junheng-pg-<port>) override the defaults.
set -euo pipefail

port="${JUNHENG_PG_PORT:-54329}"
dir="${JUNHENG_PG_DIR:-/tmp/junheng-pg-$port}"
bin=/usr/lib/postgresql/15/bin
data="$dir/data"
uri="postgresql://junheng@127.0.0.1:$port/junheng"

# Runs a command as the server's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

running() {
  [ -f "$data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

init() {
  [ -x "$bin/initdb" ] || { echo "pg-test: $bin/initdb not found; run scripts/install-deps.sh" >&2; exit 1; }
  mkdir -p "$dir"
  chmod 700 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
  if [ ! -f "$data/PG_VERSION" ]; then
    rm -rf "$data"
    as_owner "$bin/initdb" -D "$data" -U junheng --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
      --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    # Loopback only; the socket lives beside the data, not in /var/run/postgresql.
    as_owner tee -a "$data/postgresql.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = off
full_page_writes = off
synchronous_commit = off
shared_buffers = 256MB
max_wal_size = 4GB
max_connections = 200
EOF
  fi
}

ready() {
  for _ in $(seq 1 120); do
    if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -d postgres -U junheng; then return 0; fi
    sleep 0.5
  done
  echo "pg-test: the server on 127.0.0.1:$port did not accept connections within 60 s; see $dir/server.log" >&2
  return 1
}

start() {
  init
  if ! running; then
    as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
      { tail -20 "$dir/server.log" >&2; exit 1; }
  fi
  ready
  # The database the uri names; tests create their own databases beside it.
  if [ "$("$bin/psql" -h 127.0.0.1 -p "$port" -U junheng -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'junheng'")" != 1 ]; then
    "$bin/psql" -q -h 127.0.0.1 -p "$port" -U junheng -d postgres -c "CREATE DATABASE junheng" >/dev/null
  fi
  # Test databases are jh_t_<pid>_<n> (tests/support/test_store.h); drop those
  # whose process is gone, left by a test killed before its cleanup.
  local db pid
  for db in $("$bin/psql" -h 127.0.0.1 -p "$port" -U junheng -d postgres -tAc \
                "SELECT datname FROM pg_database WHERE datname ~ '^jh_t_[0-9]+_[0-9]+$'"); do
    pid=${db#jh_t_}
    pid=${pid%%_*}
    [ -d "/proc/$pid" ] && continue
    "$bin/psql" -q -h 127.0.0.1 -p "$port" -U junheng -d postgres \
      -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null || true
  done
}

stop() {
  if running; then
    as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  uri) echo "$uri" ;;
  *) echo "usage: $0 start|stop|uri" >&2; exit 2 ;;
esac
