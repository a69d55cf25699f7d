#!/usr/bin/env bash
# Browser tests of the web front end against a real server.
#
#   tests/e2e/run.sh path/to/junheng SCRATCH_DIR
#
# Builds web/dist when needed, creates a small demo city in SCRATCH_DIR (with its
# exchange-format files, from which the tests pick a mother and residents), adds a city
# administrator and a village worker, starts `junheng serve` on a free port, and runs
# tests/e2e/web.test.mjs in Debian's Chromium. Screenshots of every page go to
# SCRATCH_DIR/screenshots/. The server is stopped on exit.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 path/to/junheng SCRATCH_DIR" >&2
  exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="$(realpath "$1")"
mkdir -p "$2"
DIR="$(cd "$2" && pwd)"
DB="$DIR/e2e.db"
PASSWORD="E2e-Passw0rd-2024"

"$root/scripts/build-web.sh"

rm -rf "$DB" "$DB"-* "$DIR/demo-files" "$DIR/screenshots" "$DIR/imports"
echo "demo city in $DB"
"$BIN" demo --db "$DB" --scale 0.01 --seed 7 --out "$DIR/demo-files" > "$DIR/demo.log" 2>&1 \
  || { cat "$DIR/demo.log" >&2; exit 1; }

# A village worker where a mother of the demo lives, so the village has people in it.
village="$(node --input-type=module -e "
  import { readDemo } from '$root/tests/e2e/lib/demo-data.mjs';
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
  console.log(readDemo('$DIR/demo-files', today).mother.village);")"
add_user() {  # username role division
  echo "$PASSWORD" | "$BIN" user add --db "$DB" --username "$1" --role "$2" --division "$3" >> "$DIR/users.log" 2>&1 \
    || { cat "$DIR/users.log" >&2; exit 1; }
}
add_user e2e_city city_admin 141000000000
add_user e2e_village village_worker "$village"

server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
  fi
}
trap stop_server EXIT

"$BIN" serve --db "$DB" --port 0 --web "$root/web/dist" > "$DIR/server.out" 2> "$DIR/server.log" &
server_pid=$!

# The server prints "listening on http://127.0.0.1:PORT" once it has loaded the register.
url=""
for _ in $(seq 1 600); do
  url="$(grep -o 'http://[0-9.:]*' "$DIR/server.out" 2>/dev/null | head -1 || true)"
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { echo "the server stopped:" >&2; cat "$DIR/server.log" >&2; exit 1; }
  sleep 0.2
done
[ -n "$url" ] || { echo "the server did not say where it listens" >&2; cat "$DIR/server.log" >&2; exit 1; }
node -e "
  const deadline = Date.now() + 60000;
  (async function wait() {
    try { if ((await fetch('$url/healthz')).ok) return; } catch {}
    if (Date.now() > deadline) { console.error('no /healthz at $url'); process.exit(1); }
    setTimeout(wait, 200);
  })();"
echo "server at $url"

E2E_URL="$url" E2E_DIR="$DIR" E2E_SHOTS="$DIR/screenshots" E2E_DEMO_FILES="$DIR/demo-files" \
E2E_CITY_USER=e2e_city E2E_CITY_PASSWORD="$PASSWORD" \
E2E_VILLAGE_USER=e2e_village E2E_VILLAGE_PASSWORD="$PASSWORD" \
  node --test "$root/tests/e2e/web.test.mjs"
echo "screenshots in $DIR/screenshots"
