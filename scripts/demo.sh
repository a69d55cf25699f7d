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
echo "The demo register is in $db. Try: build/src/app/junheng persons show --db $db LF000000001"
