import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FlakeOutputs } from '../../../../src/core/nix';
import { buildTargets, installableOfTarget, rememberRecent } from '../../../../src/ui/build/build-targets';

const flake: FlakeOutputs = {
  flakeDir: '/w',
  sourcePath: '/nix/store/x-source',
  nixosConfigurations: [{ name: 'vulpix', attrPath: 'nixosConfigurations.vulpix', hostSystem: 'armv7l-linux' }],
  images: [{ name: 'vulpix', attrPath: 'images.vulpix', drvName: 'sd.img' }],
  packages: [{ system: 'x86_64-linux', name: 'tool', attrPath: 'packages.x86_64-linux.tool', drvName: 'tool-1', hostSystem: 'armv7l-linux', isCross: true }],
  deployNodes: [],
  other: [],
};

describe('build targets', () => {
  it('offers images, NixOS systems (their toplevel) and packages', () => {
    const targets = buildTargets([flake], []);
    assert.deepEqual(
      targets.map((t) => [t.kind, installableOfTarget(t)]),
      [
        ['image', '/w#images.vulpix'],
        ['system', '/w#nixosConfigurations.vulpix.config.system.build.toplevel'],
        ['package', '/w#packages.x86_64-linux.tool'],
      ],
    );
    assert.match(targets[2]?.detail ?? '', /runs on armv7l-linux \(cross\)/);
  });

  it('puts the most recently built first, keeping the rest in order', () => {
    const recent = rememberRecent(rememberRecent([], '/w#images.vulpix'), '/w#packages.x86_64-linux.tool');
    assert.deepEqual(recent, ['/w#packages.x86_64-linux.tool', '/w#images.vulpix']);
    assert.deepEqual(
      buildTargets([flake], recent).map((t) => t.kind),
      ['package', 'image', 'system'],
    );
  });

  it('remembers at most the given number, without duplicates', () => {
    let recent: string[] = [];
    for (let i = 0; i < 30; i++) recent = rememberRecent(recent, `t${i % 25}`);
    assert.equal(recent.length, 20);
    assert.equal(new Set(recent).size, 20);
    assert.equal(recent[0], 't4');
  });
});
