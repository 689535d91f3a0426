import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse, resolveScopes } from '../../../../../src/core/lang';
import { analysisOf } from '../../../../../src/core/rules/query/analysis';

function configsOf(text: string): ReturnType<ReturnType<typeof analysisOf>['configurations']> {
  const parsed = parse(text);
  return analysisOf({ text, parse: parsed, scopes: resolveScopes(parsed), today: new Date() }).configurations();
}

const flake = (outputs: string): string => `{ inputs.nixpkgs.url = "x"; outputs = { self, nixpkgs }: ${outputs}; }`;

describe('NixOS configurations in a file', () => {
  it('reads the target system from each way of writing it', () => {
    const cases: [string, string | undefined][] = [
      ['{ c = nixpkgs.lib.nixosSystem { system = "aarch64-linux"; modules = [ ]; }; }', 'aarch64-linux'],
      ['let system = "riscv64-linux"; in { c = nixpkgs.lib.nixosSystem { inherit system; modules = [ ]; }; }', 'riscv64-linux'],
      ['{ c = nixpkgs.legacyPackages.x86_64-linux.pkgsCross.raspberryPi.nixos { }; }', 'armv6l-linux'],
      ['{ c = nixpkgs.lib.nixosSystem { modules = [ { nixpkgs.hostPlatform = "armv7l-linux"; } ]; }; }', 'armv7l-linux'],
      ['{ c = nixpkgs.lib.nixosSystem { modules = [ { nixpkgs.hostPlatform.system = "aarch64-linux"; } ]; }; }', 'aarch64-linux'],
      ['{ c = nixpkgs.lib.nixosSystem { system = "x86_64-linux"; modules = [ ({ lib, ... }: { nixpkgs.crossSystem = lib.systems.examples.aarch64-multiplatform; }) ]; }; }', 'aarch64-linux'],
      ['{ c = nixpkgs.lib.nixosSystem { modules = [ { nixpkgs.crossSystem = { config = "armv7l-unknown-linux-gnueabihf"; }; } ]; }; }', 'armv7l-linux'],
      ['{ c = nixpkgs.lib.nixosSystem { system = "x86_64-linux"; modules = [ { nixpkgs.buildPlatform = "aarch64-linux"; } ]; }; }', 'x86_64-linux'],
      ['{ c = nixpkgs.lib.nixosSystem { modules = [ ./configuration.nix ]; }; }', undefined],
    ];
    for (const [outputs, expected] of cases) {
      const configs = configsOf(flake(outputs));
      assert.equal(configs.length, 1, outputs);
      assert.equal(configs[0]?.target?.system, expected, outputs);
    }
  });

  it('follows modules through imports, rec attributes and self; a module from another file makes it incomplete', () => {
    const [complete] = configsOf(
      flake(`rec {
        nixosModules.a = { imports = [ self.nixosModules.b ]; boot.kernelParams = [ "a" ]; };
        nixosModules.b = { config, ... }: { config.boot.kernelParams = [ "b" ]; };
        c = nixpkgs.lib.nixosSystem { system = "aarch64-linux"; modules = [ nixosModules.a "\${nixpkgs}/nixos/modules/installer/sd-card/sd-image-aarch64.nix" ]; };
      }`),
    );
    assert.ok(complete !== undefined);
    assert.equal(complete.incomplete, false);
    assert.equal(complete.moduleSets.length, 2);
    assert.equal(complete.option(['boot', 'kernelParams']).length, 2);
    assert.equal(complete.nixpkgsModules.length, 1);
    const [incomplete] = configsOf(flake('{ c = nixpkgs.lib.nixosSystem { system = "aarch64-linux"; modules = [ { } ./hardware.nix ]; }; }'));
    assert.equal(incomplete?.incomplete, true);
  });

  it('treats a plain module file as one configuration of unknown system', () => {
    const [config] = configsOf('{ pkgs, ... }: { boot.kernelPackages = pkgs.linuxPackages_rpi2; }');
    assert.equal(config?.target, undefined);
    assert.equal(config?.option(['boot', 'kernelPackages']).length, 1);
  });
});
