#!/usr/bin/env bash
# Installs what the web front end needs on Debian 12: Node.js and npm (to build web/),
# Chromium (for tests/e2e) and CJK fonts (so pages and screenshots show Chinese), from
# Debian's packages; then web/'s npm packages exactly as web/package-lock.json pins them.
# Idempotent: present packages are skipped, and `npm ci` runs only when node_modules does
# not match the lock file.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
web="$root/web"

source "$root/scripts/apt.sh"
# A Node.js package from outside Debian ships npm inside it (and conflicts with Debian's
# npm): a working `npm` command counts as npm installed.
packages=(nodejs chromium fonts-noto-cjk)
command -v npm >/dev/null 2>&1 || packages+=(npm)
apt_install "${packages[@]}"

# node_modules is up to date when it was installed from this very lock file.
stamp="$web/node_modules/.junheng-lock.sha256"
want="$(sha256sum "$web/package-lock.json" | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "npm ci in web/"
(cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
echo "$want" > "$stamp"
