#!/usr/bin/env bash
# bench/http/run.sh: latency of junheng serve under load, measured with wrk.
#
# Usage: bench/http/run.sh DB [SECONDS]
#   DB is a register database this script may write to (it registers moves and
#   adds a user "bench"): take a copy of the demo city, e.g.
#     cp var/demo.db /tmp/bench.db && bench/http/run.sh /tmp/bench.db
# Three loads, one after another, each for SECONDS (default 30):
#   dashboard  GET /api/v1/indicators for the city's cards, ~500 requests/s
#   search     GET /api/v1/persons?q=<citizen id>, ~200 requests/s
#   register   POST /api/v1/events (a move within the city), ~50 requests/s
#   mixed      dashboard and register at once: every registration moves the
#              snapshot on, and other users' answers may then be up to 0.5 s old
# wrk is closed-loop; each connection waits `delay` ms between requests, which
# sets the rate; the rate reached is printed beside the latencies. The set-up
# (users, server, wrk scripts) is bench/http/lib.sh, shared with soak.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
db=${1:?usage: bench/http/run.sh DB [SECONDS]}
secs=${2:-30}
source bench/http/lib.sh
jh_start "$db" --threads 16
jh_write_scripts 20000

# The registrations of the mixed load move other residents than the first run's.
{ echo "dofile(\"$work/register.lua\")"; echo 'base = math.floor(#items / 4)'; } >"$work/register-mixed.lua"

run() {  # name connections
  local out
  out=$(wrk -t2 -c"$2" -d"${secs}s" --latency -s "$work/$1.lua" "$url" 2>&1)
  local rps p50 p90 p99 errors
  grep -E '^[0-9]{3} ' <<<"$out" | cut -c1-300 >&2 || true
  rps=$(sed -n 's/^Requests\/sec: *//p' <<<"$out")
  p50=$(awk '$1=="50%"{print $2}' <<<"$out")
  p90=$(awk '$1=="90%"{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  errors=$(sed -n 's/.*Non-2xx or 3xx responses: *//p' <<<"$out")
  printf "%-10s %8s req/s  p50 %8s  p90 %8s  p99 %8s  non-2xx %s\n" "$1" "$rps" "$p50" "$p90" "$p99" "${errors:-0}"
}
echo "junheng serve on $(nproc) cores, $(basename "$db") ($(curl -s "$url/healthz")), $secs s per load, $(date -u +%FT%TZ)"
run dashboard 10
run search 4
run register 2
echo "mixed: the dashboard and registrations at the same time"
run dashboard 10 & mixed=$!
run register-mixed 2
wait "$mixed"
echo "server memory: $(curl -s "$url/metrics" | awk '$1=="process_resident_memory_bytes"{printf "%.0f MiB", $2/1048576}')"
