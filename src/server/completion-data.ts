/**
 * What the completion offers besides the rule tables: NixOS's SD-card image modules (nixpkgs
 * nixos/modules/installer/sd-card/) and the Raspberry Pi vendor kernels
 * (pkgs/top-level/linux-kernels.nix: linux_rpi1…4 and the linuxPackages_rpi* aliases).
 */
export const SD_IMAGE_MODULES: readonly { readonly file: string; readonly detail: string }[] = [
  { file: 'sd-image-aarch64.nix', detail: 'aarch64 boards (Raspberry Pi 3/4, many others) with u-boot/extlinux' },
  { file: 'sd-image-aarch64-installer.nix', detail: 'aarch64 installer image' },
  { file: 'sd-image-aarch64-new-kernel.nix', detail: 'aarch64 with the latest kernel' },
  { file: 'sd-image-armv7l-multiplatform.nix', detail: 'armv7l boards (Raspberry Pi 2, BeagleBone…) with u-boot/extlinux' },
  { file: 'sd-image-armv7l-multiplatform-installer.nix', detail: 'armv7l installer image' },
  { file: 'sd-image-raspberrypi.nix', detail: 'Raspberry Pi 0/1 (armv6l)' },
  { file: 'sd-image-raspberrypi-installer.nix', detail: 'Raspberry Pi 0/1 installer image' },
  { file: 'sd-image-riscv64-qemu.nix', detail: 'riscv64 under qemu' },
  { file: 'sd-image-x86_64.nix', detail: 'x86_64 SD/USB image' },
  { file: 'sd-image.nix', detail: 'the generic module the others build on' },
];

export const RPI_KERNEL_PACKAGES: readonly { readonly name: string; readonly detail: string }[] = [
  { name: 'linux_rpi1', detail: 'Raspberry Pi 0/1 vendor kernel (armv6l)' },
  { name: 'linux_rpi2', detail: 'Raspberry Pi 2 vendor kernel (armv7l): add coherent_pool=4M with two NICs' },
  { name: 'linux_rpi3', detail: 'Raspberry Pi 3 vendor kernel' },
  { name: 'linux_rpi4', detail: 'Raspberry Pi 4 vendor kernel' },
];
