#!/usr/bin/env bash
# Installs the project's npm packages from the lock file when they are missing or stale.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.installed-lock
if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then
  echo "npm packages: up to date"
  exit 0
fi
# ssh2's and cpu-features' install scripts compile optional native crypto we deliberately do not
# ship (see scripts/build.mjs); serialport's prebuilds need no script.
npm ci --no-audit --no-fund --ignore-scripts
cp package-lock.json "$stamp"
