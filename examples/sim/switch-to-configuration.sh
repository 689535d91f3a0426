#!/bin/sh
# Stand-in for NixOS's switch-to-configuration: records what it was asked to do where the
# simulated board's tools (and the tests) can see it. The real one activates the system and, for
# switch and boot, rewrites the bootloader menu.
set -eu
action="${1:-}"
case "$action" in
  switch|boot|test|dry-activate) ;;
  *) echo "usage: switch-to-configuration switch|boot|test|dry-activate" >&2; exit 1 ;;
esac
self=$(dirname "$(dirname "$(readlink -f "$0")")")
state="${NIXOS_DEVICES_SIM_STATE:-/var/lib/nixos-devices-sim}"
mkdir -p "$state"
printf '%s %s\n' "$action" "$self" >> "$state/activations"
