#!/usr/bin/env bash
# Fails when a component includes a header of a component it may not depend on
# (DESIGN.md). The link lines enforce the same rule for symbols; this catches
# header-only use. Usage: include_check.sh SRC_DIR
set -u
src=${1:?usage: include_check.sh SRC_DIR}
declare -A allowed=(
  [core]="core"
  [store]="store core"
  [ingest]="ingest store core"
  [demo]="demo core"
  [analytics]="analytics core"
  [projection]="projection analytics core"
  [alerts]="alerts analytics core"
  [policy]="policy core"
  [reports]="reports core"
  [services]="services ingest alerts projection policy reports store analytics core"
  [http]="http services ingest alerts projection policy reports store analytics core"
  [app]="app http services ingest demo alerts projection policy reports store analytics core"
)
status=0
checked=0
for dir in "$src"/*/; do
  comp=$(basename "$dir")
  ok=${allowed[$comp]:-}
  if [ -z "$ok" ]; then echo "include_check: component $comp is not in DESIGN.md's table"; status=1; continue; fi
  while IFS= read -r line; do
    file=${line%%:*}
    inc=$(sed -E 's/.*#include "([a-z_]+)\/.*/\1/' <<<"${line#*:}")
    checked=$((checked + 1))
    if [[ " $ok " != *" $inc "* ]]; then
      echo "include_check: $file includes $inc/, but $comp may use only: $ok"
      status=1
    fi
  done < <(grep -rHE '^#include "[a-z_]+/' "$dir" || true)
done
echo "include_check: $checked project includes checked"
exit $status
