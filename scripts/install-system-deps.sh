#!/usr/bin/env bash
# Installs the Debian packages the tests and the start command need (idempotent).
# Peers used for real: Nix (nix-bin), OpenSSH, qemu + u-boot, socat, zstd/xz, mkfs tools,
# iproute2 for network namespaces, Chromium for Playwright, udev for SerialPort.list(),
# kerberos headers for code-server's native modules.
set -euo pipefail
PACKAGES=(
  nix-bin openssh-server openssh-client qemu-system-arm u-boot-qemu socat zstd xz-utils
  e2fsprogs dosfstools mtools fdisk iproute2 chromium udev libkrb5-dev pkg-config
  util-linux git ca-certificates time sudo
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
echo "system packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system packages: done"
