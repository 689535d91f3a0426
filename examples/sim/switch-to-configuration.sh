#!/bin/sh
# Stand-in for NixOS's switch-to-configuration. Like the real one, `switch` and `test` make this
# system current (/run/current-system) and apply its network settings; `switch` and `boot`
# rewrite the bootloader menu from the system profile (extlinux-conf-builder.sh, beside this
# script in the system). It also records each action in <state>/activations for tests.
#
# Settings come from <system>/sim-env when the system has one (the tests build systems with it),
# else from the environment:
#   NIXOS_DEVICES_SIM_STATE  where the record goes        (default /nix/var/nixos-devices-sim)
#   NIXOS_DEVICES_SIM_BOOT   the boot partition's folder  (default /boot)
#   NIXOS_DEVICES_SIM_LINKS  "down": this configuration breaks the network (the seed's broken
#                            bridge): activating it takes every non-loopback link down, and the
#                            next activation of a working configuration brings them back up.
#   NIXOS_DEVICES_SIM_FAIL   "1": activation fails (exit 1) after making the system current.
set -eu
action="${1:-}"
case "$action" in
  switch|boot|test|dry-activate) ;;
  *) echo "usage: switch-to-configuration switch|boot|test|dry-activate" >&2; exit 1 ;;
esac
self=$(dirname "$(dirname "$(readlink -f "$0")")")
if [ -f "$self/sim-env" ]; then . "$self/sim-env"; fi
state="${NIXOS_DEVICES_SIM_STATE:-/nix/var/nixos-devices-sim}"
boot="${NIXOS_DEVICES_SIM_BOOT:-/boot}"
links="${NIXOS_DEVICES_SIM_LINKS:-}"
mkdir -p "$state"
printf '%s %s\n' "$action" "$self" >> "$state/activations"
[ "$action" = dry-activate ] && exit 0

if [ "$action" = switch ] || [ "$action" = boot ]; then
  sh "$self/bin/extlinux-conf-builder" -c "$self" -d "$boot"
fi
[ "$action" = boot ] && exit 0

ln -sfn "$self" /run/current-system
# A board boots into its first system: record it as booted when nothing booted yet.
[ -e /run/booted-system ] || ln -sfn "$self" /run/booted-system

# Network settings. Only links this script took down are ever brought up again, so running the
# stand-in outside a test board's network namespace touches nothing.
if [ "$links" = down ]; then
  for dev in $(ls /sys/class/net); do
    [ "$dev" = lo ] && continue
    ip link set "$dev" down && printf '%s\n' "$dev" >> "$state/links-down"
  done
elif [ -f "$state/links-down" ]; then
  while read -r dev; do ip link set "$dev" up || true; done < "$state/links-down"
  rm -f "$state/links-down"
fi
if [ "${NIXOS_DEVICES_SIM_FAIL:-}" = 1 ]; then
  echo "stand-in activation of $self failed (NIXOS_DEVICES_SIM_FAIL=1)" >&2
  exit 1
fi
