/**
 * Texts for hovers that are not rule documentation: what a flake output kind is for, and what a
 * `pkgsCross` platform builds for (nixpkgs lib/systems/examples.nix).
 */
import { PKGS_CROSS_PLATFORMS } from '../core/rules';

export const OUTPUT_KIND_DOCS: Readonly<Record<string, string>> = {
  nixosConfigurations: 'NixOS systems: `nixosConfigurations.<name>.config.system.build.toplevel` is what a deploy activates.',
  images: 'A custom output (not known to `nix flake show`): disk images such as an SD card, e.g. `config.system.build.sdImage`, which NixOS Devices can flash.',
  packages: 'Packages per build system: `packages.<system>.<name>`. The system is the machine that builds it; a `pkgsCross` package runs elsewhere.',
  deploy: 'deploy-rs nodes: `deploy.nodes.<name>` with `hostname`, `sshUser` and `profiles`. NixOS Devices deploys them with magic rollback.',
  nixosModules: 'NixOS modules other flakes (or your configurations) can import.',
  overlays: 'Functions `final: prev: { … }` that change a nixpkgs package set.',
  devShells: 'Shells for `nix develop`, per system.',
  apps: 'Programs for `nix run`, per system.',
  checks: 'Derivations `nix flake check` builds, per system.',
  formatter: 'The formatter `nix fmt` runs, per system.',
  legacyPackages: 'A package set (often all of nixpkgs) that `nix flake show` does not list.',
  templates: 'Templates for `nix flake init -t`.',
};

export function pkgsCrossDoc(platform: string): string | undefined {
  const system = (PKGS_CROSS_PLATFORMS as Readonly<Record<string, string>>)[platform];
  if (system === undefined) return undefined;
  return `**pkgsCross.${platform}**: nixpkgs cross-compiled for \`${system}\`. Everything is built on this machine with its native compilers (no emulation) and runs on ${system}. There is usually no binary cache for it: the first build compiles the whole dependency chain.`;
}
