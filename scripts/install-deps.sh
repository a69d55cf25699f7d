#!/usr/bin/env bash
# Installs what Junheng needs to build and test on Debian 12, from Debian's packages.
# Idempotent: packages already present are skipped.
set -euo pipefail
packages=(
  g++ cmake ninja-build pkg-config git
  libsqlite3-dev sqlite3 libfmt-dev libcli11-dev libtomlplusplus-dev nlohmann-json3-dev
  libspdlog-dev libopencc-dev opencc libicu-dev libargon2-dev libssl-dev libcpp-httplib-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libpqxx-dev postgresql-15 postgresql-client-15
)
source "$(dirname "$0")/apt.sh"
apt_install "${packages[@]}"
