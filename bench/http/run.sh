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
# sets the rate; the rate reached is printed beside the latencies.
set -euo pipefail
cd "$(dirname "$0")/../.."
db=${1:?usage: bench/http/run.sh DB [SECONDS]}
secs=${2:-30}
bin=build/src/app/junheng
source scripts/apt.sh
apt_install wrk curl
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
password=Load-2035-pass
# One user reads the dashboard and searches, another registers (as a village
# worker would): a user's own writes make their next answers fresh.
for u in bench bench_writer; do
  echo "$password" | $bin user add --db "$db" --username $u --role city_admin --division 141000000000 \
    >/dev/null 2>&1 || true
done

$bin serve --db "$db" --port 0 --threads 16 >"$work/out" 2>"$work/err" &
server=$!
for _ in $(seq 600); do grep -q listening "$work/out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' "$work/out")
[ -n "$port" ] || { cat "$work/err"; exit 1; }
url=http://127.0.0.1:$port
login() {
  curl -s -X POST "$url/api/v1/session" -d "{\"username\":\"$1\",\"password\":\"$password\"}" |
    python3 -c 'import sys, json; print(json.load(sys.stdin)["token"])'
}
token=$(login bench)
writer_token=$(login bench_writer)
today=$(python3 -c 'import datetime, zoneinfo; print(datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")).date())')
year=${today:0:4}

# Citizen ids to search for, and living residents to move, sampled from the register.
sqlite3 "$db" "SELECT citizen_id FROM persons WHERE rowid % 4001 = 0 AND citizen_id IS NOT NULL LIMIT 2000" \
  >"$work/ids"
sqlite3 "$db" "SELECT code FROM divisions WHERE level = 5" >"$work/villages"
step=$(sqlite3 "$db" "SELECT max(1, max(seq) / 40000) FROM events")
sqlite3 "$db" "SELECT person_id FROM events e WHERE seq % $step = 0 AND type IN ('enumerate','birth','move_in')
  AND NOT EXISTS (SELECT 1 FROM events x WHERE x.person_id = e.person_id AND x.type IN ('death','move_out'))
  LIMIT 20000" >"$work/movers"

python3 - "$work" "$today" <<'PY'
import json, random, sys
work, today = sys.argv[1], sys.argv[2]
random.seed(7)
ids = [l.strip() for l in open(f"{work}/ids") if l.strip()]
villages = [l.strip() for l in open(f"{work}/villages") if l.strip()]
movers = [l.strip() for l in open(f"{work}/movers") if l.strip()]
def lua_list(name, items):
    return f"{name} = {{\n" + ",\n".join(json.dumps(x, ensure_ascii=False) for x in items) + "\n}\n"
open(f"{work}/ids.lua", "w").write(lua_list("items", [f"/api/v1/persons?q={i}" for i in ids]))
bodies = [json.dumps({"type": "move", "date": today, "division": random.choice(villages), "person_id": p})
          for p in movers]
open(f"{work}/moves.lua", "w").write(lua_list("items", bodies))
PY

# A wrk script: each thread walks its own share of `items`.
cat >"$work/common.lua" <<LUA
local counter = 0
local threads = {}
function setup(thread) thread:set("tid", counter); counter = counter + 1; table.insert(threads, thread) end
local i = 0
headers = { ["Authorization"] = "Bearer $token", ["Content-Type"] = "application/json" }
base = 0  -- a script may start further into the list
function next_item() i = i + 1; return items[((base + tid * math.floor(#items / 2) + i) % #items) + 1] end  -- 2 threads, halves apart
LUA
cat >"$work/dashboard.lua" <<LUA
dofile("$work/common.lua")
items = { "/api/v1/indicators?division=141000000000&from=$year-01-01&to=$today&indicators=population_end,births,tfr,srb,srb_lo,srb_hi,imr,mmr" }
function request() return wrk.format("GET", next_item(), headers) end
function delay() return 18 end
LUA
cat >"$work/search.lua" <<LUA
dofile("$work/common.lua")
dofile("$work/ids.lua")
function request() return wrk.format("GET", next_item(), headers) end
function delay() return 18 end
LUA
cat >"$work/register.lua" <<LUA
dofile("$work/common.lua")
dofile("$work/moves.lua")
headers["Authorization"] = "Bearer $writer_token"
function request() return wrk.format("POST", "/api/v1/events", headers, next_item()) end
function delay() return 38 end
local shown = 0
function response(status, headers, body)
  if status >= 300 and shown < 3 then shown = shown + 1; io.stderr:write(status .. " " .. body .. "\n") end
end
LUA

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
