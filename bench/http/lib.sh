# bench/http/lib.sh: what run.sh and soak.sh share, sourced by both (bash, set -euo pipefail,
# from the repository root): a `junheng serve` on a copy of a register, two signed-in users, and
# the wrk scripts of the loads.
#
#   jh_start DB [SERVE-OPTIONS...]  adds the users, starts the server on a free port and signs in;
#                                   sets work (a temporary folder, removed on exit), server (its
#                                   pid), url, token, writer_token, today and year
#   jh_write_scripts MOVES          writes $work/{common,dashboard,search,register}.lua: the
#                                   registrations move MOVES different living residents, each to
#                                   a village other than their own, so that none is refused
#
# One user reads the dashboard and searches, another registers (as a village worker would): a
# user's own writes make their next answers fresh (docs/api.md). wrk is closed-loop; each
# connection waits `delay` ms between requests, which sets the rate.
# JUNHENG_BIN names the binary (default build/src/app/junheng).

bin=${JUNHENG_BIN:-build/src/app/junheng}
source scripts/apt.sh
apt_install wrk curl sqlite3 postgresql-client-15

# jh_sql SQL: runs a query on the register $db (a SQLite file or a postgresql:// URI) and
# prints its rows, fields separated by one space.
jh_sql() {
  case "$db" in
    postgresql://* | postgres://*) psql "$db" -X -q -A -t -F ' ' -v ON_ERROR_STOP=1 -c "$1" ;;
    *) sqlite3 -separator ' ' "$db" "$1" ;;
  esac
}
jh_is_postgres() { case "$db" in postgresql://* | postgres://*) return 0 ;; *) return 1 ;; esac; }

jh_stop() {
  if [ -n "${server:-}" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}

jh_start() {
  db=$1
  shift
  work=$(mktemp -d)
  trap jh_stop EXIT
  password=Load-2035-pass
  for u in bench bench_writer; do
    echo "$password" | $bin user add --db "$db" --username $u --role city_admin --division 141000000000 \
      >/dev/null 2>&1 || true
  done
  $bin serve --db "$db" --port 0 "$@" >"$work/out" 2>"$work/err" &
  server=$!
  for _ in $(seq 1800); do grep -q listening "$work/out" 2>/dev/null && break; sleep 0.1; done
  local port
  port=$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' "$work/out")
  [ -n "$port" ] || { cat "$work/err"; exit 1; }
  url=http://127.0.0.1:$port
  token=$(jh_login bench)
  writer_token=$(jh_login bench_writer)
  today=$(python3 -c 'import datetime, zoneinfo; print(datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")).date())')
  year=${today:0:4}
}

jh_login() {
  curl -s -X POST "$url/api/v1/session" -d "{\"username\":\"$1\",\"password\":\"$password\"}" |
    python3 -c 'import sys, json; print(json.load(sys.stdin)["token"])'
}

jh_write_scripts() {
  local moves=$1 step
  # Citizen ids to search for, and living residents to move, sampled from the register. A mover
  # has no event dated today or later (a move today must come after their last event) and goes
  # to another village than the one they live in (a move to the same village is refused).
  local sample="rowid % 4001 = 0"
  jh_is_postgres && sample="abs(hashtext(person_id)) % 4001 = 0"
  jh_sql "SELECT citizen_id FROM persons WHERE $sample AND citizen_id IS NOT NULL LIMIT 2000" >"$work/ids"
  jh_sql "SELECT code FROM divisions WHERE level = 5" >"$work/villages"
  step=$(jh_sql "SELECT max(seq) / ($moves * 2) + 1 FROM events")
  jh_sql "SELECT e.person_id, (SELECT x.division FROM events x WHERE x.person_id = e.person_id
      AND x.division IS NOT NULL ORDER BY x.date DESC, x.seq DESC LIMIT 1)
    FROM events e WHERE e.seq % $step = 0 AND e.type IN ('enumerate','birth','move_in')
    AND NOT EXISTS (SELECT 1 FROM events x WHERE x.person_id = e.person_id
                    AND (x.type IN ('death','move_out') OR x.date >= '$today'))" >"$work/movers"

  python3 - "$work" "$today" "$moves" <<'PY'
import json, random, sys
work, today, wanted = sys.argv[1], sys.argv[2], int(sys.argv[3])
random.seed(7)
ids = [l.strip() for l in open(f"{work}/ids") if l.strip()]
villages = [l.strip() for l in open(f"{work}/villages") if l.strip()]
movers, seen = [], set()
for line in open(f"{work}/movers"):
    person, _, home = line.strip().partition(" ")
    if person and person not in seen:
        seen.add(person)
        movers.append((person, home))
movers = movers[:wanted]
if len(movers) < wanted:
    sys.exit(f"only {len(movers)} residents to move, {wanted} wanted")
def lua_list(name, items):
    return f"{name} = {{\n" + ",\n".join(json.dumps(x, ensure_ascii=False) for x in items) + "\n}\n"
open(f"{work}/ids.lua", "w").write(lua_list("items", [f"/api/v1/persons?q={i}" for i in ids]))
def elsewhere(home):
    while (v := random.choice(villages)) == home:
        pass
    return v
bodies = [json.dumps({"type": "move", "date": today, "division": elsewhere(home), "person_id": p})
          for p, home in movers]
open(f"{work}/moves.lua", "w").write(lua_list("items", bodies))
PY

  # A wrk script: each of the 2 threads walks its own half of `items`, from `base` on.
  cat >"$work/common.lua" <<LUA
local counter = 0
local threads = {}
function setup(thread) thread:set("tid", counter); counter = counter + 1; table.insert(threads, thread) end
local i = 0
headers = { ["Authorization"] = "Bearer $token", ["Content-Type"] = "application/json" }
base = 0  -- a script may start further into the list
function next_item() i = i + 1; return items[((base + tid * math.floor(#items / 2) + i) % #items) + 1] end
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
}
