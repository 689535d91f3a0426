#!/bin/sh
# Stand-in for nixpkgs' generic-extlinux-compatible extlinux-conf-builder.sh (the older label
# format, NixOS/nixpkgs@000b272ea30a): writes <boot>/extlinux/extlinux.conf from the system
# profile's generations, newest first, after a "nixos-default" entry for the system being
# activated, and replaces the file atomically (tmp + mv) as the real builder does.
# Usage: extlinux-conf-builder.sh -c <system> -d <boot dir> [-t <timeout s>] [-p <profiles dir>]
set -eu
default=""; target=/boot; timeout=5; profiles=/nix/var/nix/profiles
while getopts "c:d:t:p:" opt; do
  case "$opt" in
    c) default="$OPTARG" ;;
    d) target="$OPTARG" ;;
    t) timeout="$OPTARG" ;;
    p) profiles="$OPTARG" ;;
    *) echo "usage: $0 -c <system> -d <boot dir> [-t <timeout>] [-p <profiles dir>]" >&2; exit 1 ;;
  esac
done
[ -n "$default" ] || { echo "$0: -c <system> is required" >&2; exit 1; }
mkdir -p "$target/nixos" "$target/extlinux"
tmp="$target/extlinux/extlinux.conf.tmp.$$"

clean_name() {
  printf '%s' "$1" | sed 's|^/nix/store/||' | sed 's|/|-|g'
}

copy_to_kernels() {
  src=$(readlink -f "$1")
  dst="$target/nixos/$(clean_name "$src")"
  if [ ! -e "$dst" ]; then cp "$src" "$dst.tmp.$$" && mv -f "$dst.tmp.$$" "$dst"; fi
  printf '../nixos/%s' "$(clean_name "$src")"
}

add_entry() {
  path="$1"; tag="$2"
  [ -e "$path/kernel" ] && [ -e "$path/initrd" ] || return 0
  kernel=$(copy_to_kernels "$path/kernel")
  initrd=$(copy_to_kernels "$path/initrd")
  echo
  echo "LABEL nixos-$tag"
  if [ "$tag" = default ]; then
    echo "  MENU LABEL NixOS - Default"
  else
    timestamp=$(date -d "@$(stat -c %Z "$path")" "+%Y-%m-%d %H:%M")
    echo "  MENU LABEL NixOS - Configuration $tag ($timestamp - $(cat "$path/nixos-version"))"
  fi
  echo "  LINUX $kernel"
  echo "  INITRD $initrd"
  echo "  APPEND init=$path/init $(cat "$path/kernel-params")"
}

{
  cat <<HEADER
# Generated file, all changes will be lost on nixos-rebuild!

# Change this to e.g. nixos-42 to temporarily boot to an older configuration.
DEFAULT nixos-default

MENU TITLE ------------------------------------------------------------
TIMEOUT $((timeout * 10))
HEADER
  add_entry "$default" default
  for generation in $(cd "$profiles" && ls -d system-*-link 2>/dev/null | sed 's/system-\([0-9]\+\)-link/\1/' | sort -n -r); do
    link="$profiles/system-$generation-link"
    add_entry "$(readlink -f "$link")" "$generation"
  done
} > "$tmp"
mv -f "$tmp" "$target/extlinux/extlinux.conf"
