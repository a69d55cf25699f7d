#!/usr/bin/env bash
# Whole-program figure: the demo city generated and loaded, with wall time and
# peak memory (maximum resident set size), as recorded in docs/performance.md.
# Usage: bench/demo_full.sh [SCALE]   (default 1 = full scale); builds first.
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-1}
scripts/build.sh >/dev/null
db=$(mktemp -d)/demo.db
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(date -u +%Y-%m-%dT%H:%MZ); load $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -f "wall %e s, user %U s, sys %S s, peak RSS %M KiB" \
  build/src/app/junheng demo --db "$db" --scale "$scale" --seed 1 | grep -E "Generated|rejected"
ls -l --block-size=M "$db" | awk '{print "database size", $5}'
rm -rf "$(dirname "$db")"
