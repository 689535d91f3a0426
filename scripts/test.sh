#!/usr/bin/env bash
# The test command: sets up a fresh machine of this kind (Debian 12, root, Node 20) and runs every
# test, the in-VS-Code ones included. Idempotent: a second run installs nothing new.
#   bash scripts/test.sh [unit|integration|e2e ...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
bash scripts/install-npm-deps.sh
npm run --silent build
npm run --silent typecheck
npm run --silent lint
node scripts/run-tests.mjs "$@"
