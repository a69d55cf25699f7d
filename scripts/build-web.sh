#!/usr/bin/env bash
# Builds the web front end into web/dist (served by `junheng serve --web web/dist`).
# Installs its dependencies first when needed; skips the build when dist is newer than
# every source file.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
web="$root/web"

"$root/scripts/install-web-deps.sh"

built="$web/dist/index.html"
if [ -f "$built" ] && [ -z "$(find "$web/src" "$web/index.html" "$web/vite.config.js" \
      "$web/package.json" "$web/package-lock.json" -newer "$built" -print -quit)" ]; then
  echo "web/dist is up to date"
  exit 0
fi
(cd "$web" && npm run build --silent)
# vite keeps the index's mtime from before the assets; touch it so it marks the build's end.
touch "$built"
