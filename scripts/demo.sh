#!/usr/bin/env bash
# README command 1: install, build, create the demo city, and serve it.
# Usage: scripts/demo.sh [--scale F] [--seed N]   (database: var/demo.db; port: $PORT or 8080)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
mkdir -p var
db=var/demo.db
rm -rf "$db" "$db-wal" "$db-shm" "$db-journal" var/imports
build/src/app/junheng demo --db "$db" "$@" | tee var/demo.log
build/src/app/junheng check --db "$db"
# The city's main indicators for the last full year, computed from the register.
year=$(( $(date +%Y) - 1 ))
echo "临汾市 ${year}: indicators (docs/methods/ explains each)"
build/src/app/junheng stats --db "$db" --division 141000000000 --from "${year}-01-01" --to "$((year + 1))-01-01" \
  --indicators population_avg,births,deaths,cbr,cdr,tfr,srb,srb_lo,srb_hi,imr,u5mr,e0_m,e0_f,share_60p,odr
port=${PORT:-8080}
echo
echo "Junheng is starting on http://127.0.0.1:${port}/ (Ctrl-C stops it). Sign in with:"
sed -n '/^Demo logins/,$p' var/demo.log
exec build/src/app/junheng serve --db "$db" --port "$port"
