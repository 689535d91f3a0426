#!/bin/sh
# Builds a small SD card image laid out as NixOS's sd-image module does: an MBR with a FAT
# "FIRMWARE" partition at 8 MiB and a bootable ext4 "NIXOS_SD" holding /boot/extlinux/extlinux.conf
# and the kernel and initrd, the system's closure in /nix/store with its nix-path-registration,
# then compresses it to $out/sd-image/*.img.zst and names it in
# nix-support/hydra-build-products, as Hydra products are named.
set -eu
toplevel="$1"; host="$2"; params="$3"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/root"
mkdir -p "$root/boot/extlinux" "$root/boot/nixos" "$root/nix/var/nix/profiles" "$root/nix/store" "$root/etc"
kernel_name="$(basename "$(dirname "$(readlink -f "$toplevel/kernel")")")-zImage"
initrd_name="$(basename "$(dirname "$(readlink -f "$toplevel/initrd")")")-initrd"
cp "$toplevel/kernel" "$root/boot/nixos/$kernel_name"
cp "$toplevel/initrd" "$root/boot/nixos/$initrd_name"
cat > "$root/boot/extlinux/extlinux.conf" <<CONF
# Generated file, all changes will be lost on nixos-rebuild!

# Change this to e.g. nixos-42 to temporarily boot to an older configuration.
DEFAULT nixos-default

MENU TITLE ------------------------------------------------------------
TIMEOUT 50

LABEL nixos-default
  MENU LABEL NixOS - Default
  LINUX ../nixos/$kernel_name
  INITRD ../nixos/$initrd_name
  APPEND init=$toplevel/init $params
  FDTDIR ../nixos/dtbs
CONF
echo "$host" > "$root/etc/hostname"
# The system's closure in the card's store, and its registration (exportReferencesGraph's
# "closure" file is nix-store --register-validity input), which the board loads on first boot.
# Each record: path, deriver, number of references, the references. The deriver (a .drv that
# is not on the card) is left out.
awk 'n == 0 && s == 0 { print; s = 1; next }
     s == 1 { print ""; s = 2; next }
     s == 2 { print; n = $0; s = 0; next }
     n > 0  { print; n -= 1 }' closure > "$root/nix-path-registration"
awk 'n == 0 && s == 0 { print; s = 1; next } s == 1 { s = 2; next } s == 2 { n = $0; s = 0; next } n > 0 { n -= 1 }' closure |
  while read -r path; do cp -a "$path" "$root/nix/store/"; done
img="$work/sd.img"
fw_start=16384; fw_size=16384; root_start=$((fw_start + fw_size)); root_size=49152
truncate -s $(( (root_start + root_size) * 512 )) "$img"
printf 'label: dos\nstart=%s, size=%s, type=b\nstart=%s, size=%s, type=83, bootable\n' \
  "$fw_start" "$fw_size" "$root_start" "$root_size" | sfdisk --quiet "$img"
mkfs.vfat -n FIRMWARE -C "$work/fw.img" $((fw_size / 2)) >/dev/null
printf 'stand-in firmware\n' > "$work/config.txt"
mcopy -i "$work/fw.img" "$work/config.txt" ::config.txt
mkfs.ext4 -q -F -L NIXOS_SD -d "$root" "$work/root.img" $((root_size / 2))k
dd if="$work/fw.img" of="$img" bs=512 seek="$fw_start" conv=notrunc status=none
dd if="$work/root.img" of="$img" bs=512 seek="$root_start" conv=notrunc status=none
mkdir -p "$out/sd-image" "$out/nix-support"
name="nixos-sd-image-$host-armv7l-linux.img.zst"
zstd -q -19 "$img" -o "$out/sd-image/$name"
echo "file sd-image $out/sd-image/$name" > "$out/nix-support/hydra-build-products"
