#!/usr/bin/env bash
# bench/http/soak.sh: junheng serve under a mixed read/write load for a long time; memory must
# not grow and no request may fail.
#
# Usage: bench/http/soak.sh DB [MINUTES]
#   DB is a register this script may write to, a SQLite file or a postgresql:// URI (a copy of
#   the demo city: it registers moves and adds the users "bench" and "bench_writer"). MINUTES
#   defaults to 10.
# The load is run.sh's mixed one: the city's dashboard cards by one user over 10 connections
# (~500 requests/s) and moves of residents registered by another over 2 (~50/s), in one-minute
# wrk runs back to back (each minute's p50/p99 come from its own run). Every 10 s the script
# samples the server's resident memory (VmRSS), the requests it answered and those that were
# not 2xx (from /metrics), the last event applied to its snapshot, and the machine's load average
# (the load generator runs on the same machine).
#
# Writes, into SOAK_OUT (default /tmp/junheng-soak-<time>): samples.csv (every 10 s) and
# minutes.csv (per minute), and prints the per-minute table. Exits 1 when any request failed
# (a non-2xx answer or a socket error) or when the memory in the last third of the run rose
# more than 10 % above the memory at the end of the first third.
set -euo pipefail
cd "$(dirname "$0")/../.."
db=${1:?usage: bench/http/soak.sh DB [MINUTES]}
minutes=${2:-10}
out=${SOAK_OUT:-/tmp/junheng-soak-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
source bench/http/lib.sh

# Each thread of a minute's register run starts `per_minute` moves further on, so no resident
# is moved twice (a connection sends at most ~26 a second, 1,560 a minute).
per_minute=2500
jh_start "$db" --threads 16
jh_write_scripts $((2 * minutes * per_minute))
pid=$server

# A summary line per wrk run: requests, HTTP errors (status >= 400), socket errors, p50 and p99
# in ms, seconds.
summary() {  # result-file
  cat <<LUA
function done(summary, latency, requests)
  local e = summary.errors
  local f = io.open("$1", "a")
  f:write(string.format("%d %d %d %.3f %.3f %.1f\n", summary.requests, e.status,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.duration / 1e6))
  f:close()
end
LUA
}

metrics() {  # requests answered, of which not 2xx, applied sequence number
  curl -s "$url/metrics" | awk '
    /^junheng_http_requests_total/ { n += $2; if ($1 !~ /status="2/) bad += $2 }
    /^junheng_snapshot_applied_seq/ { seq = $2 }
    END { printf "%d,%d,%d", n, bad, seq }'
}
rss_kib() { awk '$1=="VmRSS:"{print $2}' "/proc/$pid/status"; }

start=$(date +%s)
echo "elapsed_s,rss_mib,requests,non_2xx,applied_seq,load1" >"$out/samples.csv"
sample() { echo "$(($(date +%s) - start)),$(awk -v k="$(rss_kib)" 'BEGIN{printf "%.1f", k/1024}'),$(metrics),$(cut -d' ' -f1 /proc/loadavg)" >>"$out/samples.csv"; }
sample
( while sleep 10; do sample; done ) &
sampler=$!
trap 'kill $sampler 2>/dev/null || true; jh_stop' EXIT

echo "soak: $minutes min on $(basename "$db") ($(curl -s "$url/healthz")), $(nproc) cores, $(date -u +%FT%TZ); output in $out"
echo "minute,dashboard_requests,dashboard_p50_ms,dashboard_p99_ms,register_requests,register_p50_ms,register_p99_ms,http_errors,socket_errors,rss_mib" \
  >"$out/minutes.csv"
for ((m = 1; m <= minutes; m++)); do
  { echo "dofile(\"$work/dashboard.lua\")"; summary "$work/dashboard.$m"; } >"$work/dashboard-$m.lua"
  { echo "dofile(\"$work/register.lua\")"; echo "base = $(((m - 1) * per_minute))"; summary "$work/register.$m"; } \
    >"$work/register-$m.lua"
  wrk -t2 -c10 -d60s -s "$work/dashboard-$m.lua" "$url" >"$work/dashboard-$m.out" 2>&1 & dash=$!
  wrk -t2 -c2 -d60s -s "$work/register-$m.lua" "$url" >"$work/register-$m.out" 2>&1
  wait "$dash"
  grep -hE '^[0-9]{3} ' "$work/register-$m.out" | cut -c1-300 >&2 || true
  read -r dn de ds dp50 dp99 _ <"$work/dashboard.$m"
  read -r rn re rs rp50 rp99 _ <"$work/register.$m"
  echo "$m,$dn,$dp50,$dp99,$rn,$rp50,$rp99,$((de + re)),$((ds + rs)),$(awk -v k="$(rss_kib)" 'BEGIN{printf "%.1f", k/1024}')" \
    >>"$out/minutes.csv"
done
kill $sampler 2>/dev/null || true
wait $sampler 2>/dev/null || true
sample

python3 - "$out" "$minutes" <<'PY'
import csv, sys
out, minutes = sys.argv[1], int(sys.argv[2])
rows = list(csv.DictReader(open(f"{out}/minutes.csv")))
samples = list(csv.DictReader(open(f"{out}/samples.csv")))
print(f"{'min':>3} {'RSS MiB':>8} {'dash req/s':>10} {'p50 ms':>7} {'p99 ms':>7} {'reg req/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6}")
for r in rows:
    errors = int(r["http_errors"]) + int(r["socket_errors"])
    print(f"{r['minute']:>3} {float(r['rss_mib']):8.0f} {int(r['dashboard_requests']) / 60:10.0f} "
          f"{float(r['dashboard_p50_ms']):7.2f} {float(r['dashboard_p99_ms']):7.2f} "
          f"{int(r['register_requests']) / 60:9.1f} {float(r['register_p50_ms']):7.2f} "
          f"{float(r['register_p99_ms']):7.2f} {errors:6d}")
total = sum(int(r["dashboard_requests"]) + int(r["register_requests"]) for r in rows)
wrk_errors = sum(int(r["http_errors"]) + int(r["socket_errors"]) for r in rows)
first, last = samples[0], samples[-1]
server_bad = int(last["non_2xx"]) - int(first["non_2xx"])
# Memory: the sample nearest the end of the first third against every sample of the last third.
span = int(last["elapsed_s"])
ref = min(samples, key=lambda s: abs(int(s["elapsed_s"]) - span / 3))
tail = [s for s in samples if int(s["elapsed_s"]) >= 2 * span / 3]
peak = max(tail, key=lambda s: float(s["rss_mib"]))
growth = float(peak["rss_mib"]) / float(ref["rss_mib"]) - 1
events = int(last["applied_seq"]) - int(first["applied_seq"])
per_event = (float(last["rss_mib"]) - float(first["rss_mib"])) * 1048576 / events if events else 0
print(f"requests {total}, failed {wrk_errors} (wrk), not 2xx {server_bad} (server); events registered {events}")
print(f"memory: {float(first['rss_mib']):.0f} MiB at the start, {float(ref['rss_mib']):.0f} MiB at {ref['elapsed_s']} s, "
      f"at most {float(peak['rss_mib']):.0f} MiB in the last third ({growth:+.1%}), {float(last['rss_mib']):.0f} MiB at "
      f"the end ({per_event:.0f} bytes per registered event over the run)")
ok = wrk_errors == 0 and server_bad == 0 and growth <= 0.10
print("PASS" if ok else "FAIL: " + ("requests failed; " if wrk_errors or server_bad else "") +
      ("memory grew more than 10 %" if growth > 0.10 else ""))
sys.exit(0 if ok else 1)
PY
