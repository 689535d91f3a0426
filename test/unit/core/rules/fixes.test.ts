/** What each quick fix writes, on small flakes in the styles users write. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits, checkText } from '../../../../src/core/rules';

const TODAY = new Date('2026-11-25T12:00:00Z');

/** The text after applying the fix of `ruleId` whose title matches `title` (the first finding's). */
function fixed(text: string, ruleId: string, title: RegExp): string {
  const finding = checkText(text, { today: TODAY }).findings.find((f) => f.ruleId === ruleId);
  assert.ok(finding !== undefined, `no ${ruleId} finding`);
  const fix = finding.fixes.find((f) => title.test(f.title));
  assert.ok(fix !== undefined, `no fix matching ${String(title)} among ${finding.fixes.map((f) => f.title).join(', ')}`);
  return applyEdits(text, fix.edits);
}

const DEPLOY = (target: string, module: string): string => `{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  inputs.deploy-rs.url = "github:serokell/deploy-rs";
  outputs = { self, nixpkgs, deploy-rs }: {
    nixosConfigurations.b = nixpkgs.lib.nixosSystem {
      system = "${target}";
      modules = [
        {
${module}
        }
      ];
    };
    deploy.nodes.b.profiles.system.path = deploy-rs.lib.x86_64-linux.activate.nixos self.nixosConfigurations.b;
  };
}
`;

describe('quick fixes', () => {
  it('deploy-activate-system-mismatch: uses deploy-rs.lib.<target> where deploy-rs has it', () => {
    const text = DEPLOY('aarch64-linux', '          services.openssh.enable = true;');
    assert.match(fixed(text, 'deploy-activate-system-mismatch', /^Use deploy-rs\.lib\.aarch64-linux$/), /path = deploy-rs\.lib\.aarch64-linux\.activate\.nixos self/);
  });

  it('deploy-activate-system-mismatch: adds the system to an existing emulatedSystems list, or writes the option', () => {
    const withList = DEPLOY('armv7l-linux', '          boot.binfmt.emulatedSystems = [ "riscv64-linux" ];');
    assert.match(fixed(withList, 'deploy-activate-system-mismatch', /emulatedSystems/), /emulatedSystems = \[ "riscv64-linux" "x86_64-linux" \];/);
    const without = DEPLOY('armv7l-linux', '          boot.kernelParams = [ ];');
    assert.match(fixed(without, 'deploy-activate-system-mismatch', /emulatedSystems/), /\n {10}boot\.kernelParams = \[ \];\n {10}boot\.binfmt\.emulatedSystems = \[ "x86_64-linux" \];\n/);
  });

  it('deploy-activate-system-mismatch: cross-builds the activation with deploy-rs’s overlay', () => {
    const text = DEPLOY('armv7l-linux', '          boot.kernelParams = [ ];');
    assert.match(
      fixed(text, 'deploy-activate-system-mismatch', /Cross-build/),
      /path = \(import nixpkgs \{ system = "x86_64-linux"; crossSystem\.system = "armv7l-linux"; overlays = \[ deploy-rs\.overlay \]; \}\)\.deploy-rs\.lib\.activate\.nixos self\.nixosConfigurations\.b;/,
    );
  });

  it('flake-outputs-unknown-input: declares the input next to the others, with the registry’s reference', () => {
    const dotted = '{\n  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";\n  outputs = { self, nixpkgs, flake-utils }: { };\n}\n';
    assert.equal(
      fixed(dotted, 'flake-outputs-unknown-input', /flake-utils/),
      '{\n  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";\n  inputs.flake-utils.url = "github:numtide/flake-utils";\n  outputs = { self, nixpkgs, flake-utils }: { };\n}\n',
    );
    const nested = '{\n  inputs = {\n    nixpkgs.url = "x";\n  };\n  outputs = { self, nixpkgs, mine }: { };\n}\n';
    assert.equal(fixed(nested, 'flake-outputs-unknown-input', /mine/), '{\n  inputs = {\n    mine.url = "flake:mine";\n    nixpkgs.url = "x";\n  };\n  outputs = { self, nixpkgs, mine }: { };\n}\n');
  });

  it('flake-deprecated-output: renames per-system outputs written with their system, and the rest', () => {
    const text = '{ outputs = { self, nixpkgs }: { defaultPackage.x86_64-linux = 1; overlay = f: p: { }; }; }';
    assert.match(fixed(text, 'flake-deprecated-output', /packages/), /packages\.x86_64-linux\.default = 1;/);
    const overlay = checkText(text).findings.filter((f) => f.ruleId === 'flake-deprecated-output')[1];
    assert.ok(overlay !== undefined);
    assert.match(applyEdits(text, overlay.fixes[0]?.edits ?? []), /overlays\.default = f: p: \{ \};/);
  });

  it('flake-unknown-system: replaces a typo with the nearest double', () => {
    assert.match(fixed('{ outputs = { self }: { packages.x86_64-linx.a = 1; }; }', 'flake-unknown-system', /x86_64-linux/), /packages\.x86_64-linux\.a = 1/);
  });

  it('unused-binding: removes the binding’s line', () => {
    assert.equal(fixed('let\n  a = 1;\n  b = 2;\nin b\n', 'unused-binding', /Remove 'a'/), 'let\n  b = 2;\nin b\n');
    assert.equal(fixed('let inherit (x) a b; in b', 'unused-binding', /Remove 'a'/), 'let inherit (x) b; in b');
  });

  it('rpi-kernel-missing-modules: adds the overlay to an existing overlays list', () => {
    const text = `{ pkgs, modulesPath, ... }: {
  imports = [ "\${modulesPath}/installer/sd-card/sd-image-aarch64.nix" ];
  nixpkgs.overlays = [ (final: prev: { }) ];
  boot.kernelPackages = pkgs.linuxPackages_rpi4;
}
`;
    assert.match(
      fixed(text, 'rpi-kernel-missing-modules', /overlay/),
      /nixpkgs\.overlays = \[ \(final: prev: \{ \}\) \(final: super: \{ makeModulesClosure = x: super\.makeModulesClosure \(x \/\/ \{ allowMissing = true; \}\); \}\) \];/,
    );
  });

  it('rpi2-coherent-pool: adds coherent_pool=4M to kernelParams', () => {
    const text = '{ pkgs, ... }: {\n  boot.kernelPackages = pkgs.linuxPackages_rpi2;\n  boot.kernelParams = [ "quiet" ];\n}\n';
    assert.match(fixed(text, 'rpi2-coherent-pool', /coherent_pool/), /boot\.kernelParams = \[ "quiet" "coherent_pool=4M" \];/);
  });

  it('cargo-sha256-deprecated: renames and converts a base32 hash to SRI', () => {
    const text = '{ p }: p.rustPlatform.buildRustPackage { cargoSha256 = "094qif9n4cq4fdg459qzbhg1c6wywawwaaivx0k0x8xhbyx4vwic"; }';
    assert.match(fixed(text, 'cargo-sha256-deprecated', /cargoHash/), /\{ cargoHash = "sha256-LPJNul\+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="; \}/);
  });

  it('nixpkgs-channel-eol: moves the branch to the newest supported release, keeping its suffix', () => {
    const text = '{ inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-23.05-small"; outputs = { self }: { }; }';
    assert.match(fixed(text, 'nixpkgs-channel-eol', /26\.05/), /"github:NixOS\/nixpkgs\/nixos-26\.05-small"/);
  });

  it('extlinux-menu-hidden: gives the menu a timeout', () => {
    const text = '{ ... }: { boot.loader.generic-extlinux-compatible.enable = true; boot.loader.timeout = 0; }';
    assert.match(fixed(text, 'extlinux-menu-hidden', /5 seconds/), /boot\.loader\.timeout = 5;/);
  });
});
