#!/usr/bin/env bash
# The start command: opens this working tree's extension in a real VS Code (code-server on
# 127.0.0.1) with examples/ as the workspace, next to a simulated board (u-boot in qemu on an
# SD card file, its system reachable over SSH), and prints the URL. Ctrl-C stops both, leaving
# nothing running or mounted.
#   bash scripts/start.sh            (PORT=8080 by default: PORT=9000 bash scripts/start.sh)
# Installs what it needs first (Debian packages, npm packages, code-server; each idempotent) and
# builds. Settings and state persist in .vscode-test/start/ between starts.
#
# How the extension is loaded: as VS Code's Extension Development Host does it. The URL carries
# `payload=[["extensionDevelopmentPath", <this folder>]]` (code-server has no
# --extensionDevelopmentPath flag, but its web client honours the payload), so the window runs the
# dist/ of this working tree in place: rebuild (`npm run build`), then "Developer: Reload Window".
# A built VS Code reads the payload only with `enable-smoke-test-driver` on (its only other effect:
# an automation hook in the page, and no A/B experiments).
# It is the mechanism the e2e tests use (test/harness/code-server.ts). Installing a .vsix
# (`npm run package`, then code-server --install-extension) would copy a snapshot that every
# change must re-package and re-install; a symlink into the extensions folder also loads, but
# VS Code manages that folder (it rewrites extensions.json and deletes what it thinks obsolete),
# so we keep our working tree out of it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
port=${PORT:-8080}

bash scripts/install-system-deps.sh
bash scripts/install-npm-deps.sh
code_server=$(bash scripts/install-code-server.sh | tail -n 1)
npm run --silent build

state=$root/.vscode-test/start
mkdir -p "$state"/{user-data/User,extensions,config,data,cache,tmp}
settings=$state/user-data/User/settings.json
if [ ! -f "$settings" ]; then
  # No AI/chat panes, welcome page, update or telemetry traffic: this machine has no internet.
  cat >"$settings" <<'EOF'
{
  "chat.disableAIFeatures": true,
  "workbench.startupEditor": "none",
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none"
}
EOF
fi

# The simulated board's card is a loop device: Flash offers loop devices only with this machine
# setting (machine-scoped: VS Code ignores it in workspace settings, so a repository cannot turn it
# on). Never a system disk, whatever it says.
mkdir -p "$state/user-data/Machine"
machine=$state/user-data/Machine/settings.json
[ -f "$machine" ] || printf '{\n  "nixosDevices.flash.allowNonRemovable": true\n}\n' >"$machine"

# Debian's nix-bin (2.8, single-user, no daemon) evaluates flakes only with these; a Nix that is
# already configured for flakes is left alone.
if [ -z "${NIX_CONFIG:-}" ] && ! grep -qs 'experimental-features.*flakes' /etc/nix/nix.conf "${XDG_CONFIG_HOME:-$HOME/.config}/nix/nix.conf"; then
  export NIX_CONFIG=$'experimental-features = nix-command flakes\nbuild-users-group =\nsubstituters =\nsandbox = false'
fi

# Stopping (Ctrl-C, or any failure from here on) takes the board and code-server down.
server=
stop() {
  trap - EXIT INT TERM
  bash scripts/sim-board/board.sh stop >/dev/null 2>&1 || true
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    echo
    echo "stopping code-server"
    kill -TERM -- "-$server" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$server" 2>/dev/null || true
  fi
}
trap stop EXIT
trap 'exit 130' INT TERM

# The simulated board (scripts/sim-board/board.sh): Debian's u-boot in qemu on an SD card file,
# its console on /tmp/nixos-devices-board/ttyBOARD, its running system at root@10.78.0.2 (the
# example's deploy node and .vscode/settings.json point there). A first start gives it an empty
# card: build images.vulpix and flash it (the getting-started walkthrough); later starts keep
# the card, so the board's generations survive a restart.
bash scripts/sim-board/board.sh start --detach

# An enclosing `npm start` leaks npm_* variables naming node 20; code-server reads $PORT itself.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -i '^npm_' || true)
unset PORT PASSWORD HASHED_PASSWORD

url=$(ROOT="$root" PORT_NUMBER="$port" node -e '
  const { ROOT, PORT_NUMBER } = process.env;
  const payload = JSON.stringify([["extensionDevelopmentPath", `vscode-remote://127.0.0.1:${PORT_NUMBER}${ROOT}`]]);
  const query = new URLSearchParams({ folder: `${ROOT}/examples`, payload });
  console.log(`http://127.0.0.1:${PORT_NUMBER}/?${query}`);')

# Its own session (setsid), so Ctrl-C reaches this script, which then ends the whole group:
# the server, its extension host and everything they started.
XDG_CONFIG_HOME=$state/config XDG_DATA_HOME=$state/data XDG_CACHE_HOME=$state/cache TMPDIR=$state/tmp \
  PATH="$code_server/bin:$PATH" \
  setsid "$code_server/bin/node" "$code_server/code-server/out/node/entry.js" \
  --bind-addr "127.0.0.1:$port" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override \
  --user-data-dir "$state/user-data" --extensions-dir "$state/extensions" \
  --vscode-option enable-smoke-test-driver \
  >"$state/code-server.log" 2>&1 &
server=$!


for _ in $(seq 300); do
  if ! kill -0 "$server" 2>/dev/null; then
    echo "code-server did not start:" >&2
    tail -n 20 "$state/code-server.log" >&2
    exit 1
  fi
  node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "http://127.0.0.1:$port/healthz" && break
  sleep 0.2
done

echo
echo "NixOS Devices in VS Code (code-server $(basename "$code_server" | sed 's/^code-server-//')), examples/ open:"
echo
echo "  $url"
echo
echo "The simulated board: bash scripts/sim-board/board.sh status (reboot, power-cycle, unmount-card …)."
echo "Log: $state/code-server.log. Ctrl-C stops code-server and the board."
wait "$server"
