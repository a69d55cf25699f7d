#!/usr/bin/env bash
# Installs what Junheng needs to build and test on Debian 12, from Debian's packages.
# Idempotent: packages already present are skipped.
set -euo pipefail
packages=(
  g++ cmake ninja-build pkg-config git
  libsqlite3-dev sqlite3 libfmt-dev libcli11-dev libtomlplusplus-dev nlohmann-json3-dev
  libspdlog-dev libopencc-dev opencc libicu-dev libargon2-dev libssl-dev libcpp-httplib-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
