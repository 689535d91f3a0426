/**
 * Where things live on a NixOS board. Tests and simulated boards override some of them (a test
 * board shares the machine's /boot, so its stand-in writes the menu elsewhere).
 */
export interface BoardPaths {
  /** The system profile: `system` → `system-N-link` → the system's store path. */
  readonly profile: string;
  /** The menu u-boot reads. */
  readonly extlinuxConf: string;
  readonly currentSystem: string;
  readonly bootedSystem: string;
  /** Per-deploy state folders (`<stateRoot>/<deploy id>`); under /nix/var so it survives a
   * reboot (reconcile after the board comes back) and needs no /var/lib layout. */
  readonly stateRoot: string;
  /** GC roots that protect a copied closure until its profile does. */
  readonly gcRootDir: string;
}

export const DEFAULT_BOARD_PATHS: BoardPaths = {
  profile: '/nix/var/nix/profiles/system',
  extlinuxConf: '/boot/extlinux/extlinux.conf',
  currentSystem: '/run/current-system',
  bootedSystem: '/run/booted-system',
  stateRoot: '/nix/var/nixos-devices/deploys',
  gcRootDir: '/nix/var/nix/gcroots/nixos-devices',
};

/** The defaults with some paths replaced. */
export function boardPaths(overrides: Partial<BoardPaths> = {}): BoardPaths {
  return { ...DEFAULT_BOARD_PATHS, ...overrides };
}
