#!/usr/bin/env bash
# Configures and builds Junheng into build/ (Release with debug info), and the
# web front end into web/dist (scripts/build-web.sh; skipped when up to date).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build
scripts/build-web.sh
