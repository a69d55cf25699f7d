#!/usr/bin/env bash
# README command 1: install, build, create the demo city and show the register.
# Usage: scripts/demo.sh [--scale F] [--seed N]   (database: var/demo.db)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
mkdir -p var
db=var/demo.db
rm -f "$db" "$db-wal" "$db-shm"
build/src/app/junheng demo --db "$db" "$@"
build/src/app/junheng check --db "$db"
# The city's main indicators for the last full year, computed from the register.
year=$(( $(date +%Y) - 1 ))
echo "临汾市 ${year}: indicators (docs/methods/ explains each)"
build/src/app/junheng stats --db "$db" --division 141000000000 --from "${year}-01-01" --to "$((year + 1))-01-01" \
  --indicators population_avg,births,deaths,cbr,cdr,tfr,srb,srb_lo,srb_hi,imr,u5mr,e0_m,e0_f,share_60p,odr
echo "The demo register is in $db. Try:"
echo "  build/src/app/junheng persons show --db $db LF000000001"
echo "  build/src/app/junheng stats --db $db --division 141000000000 --children --from 2015-01-01 --to $((year + 1))-01-01 --by year"
