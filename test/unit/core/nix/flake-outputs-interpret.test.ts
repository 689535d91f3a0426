import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { interpretOutputs } from '../../../../src/core/nix';

const metadata = { sourcePath: '/nix/store/aaaa-source', description: 'demo' };

describe('interpretOutputs', () => {
  it('tells a cross package by its host platform, not its name', () => {
    const outputs = interpretOutputs({
      flakeDir: '/w',
      metadata,
      show: { packages: { 'x86_64-linux': { monitor: { type: 'derivation', name: 'monitor-1' }, tool: { type: 'derivation', name: 'tool-1' } } } },
      details: {
        packages: { 'x86_64-linux': { monitor: { drvName: 'monitor-1', hostSystem: 'armv7l-linux' }, tool: { drvName: 'tool-1', hostSystem: 'x86_64-linux' } } },
      },
    });
    const monitor = outputs.packages.find((p) => p.name === 'monitor');
    const tool = outputs.packages.find((p) => p.name === 'tool');
    assert.equal(monitor?.isCross, true);
    assert.equal(monitor?.hostSystem, 'armv7l-linux');
    assert.equal(tool?.isCross, false);
    assert.equal(monitor?.attrPath, 'packages.x86_64-linux.monitor');
  });

  it('reads deploy nodes with settings cascading from deploy to node', () => {
    const outputs = interpretOutputs({
      flakeDir: '/w',
      metadata,
      show: { deploy: { type: 'unknown' } },
      details: {
        unknown: {
          deploy: {
            kind: 'attrs',
            attrs: {
              sshUser: { kind: 'scalar', value: 'admin' },
              confirmTimeout: { kind: 'scalar', value: 60 },
              nodes: {
                kind: 'attrs',
                attrs: {
                  vulpix: {
                    kind: 'attrs',
                    attrs: {
                      hostname: { kind: 'scalar', value: 'vulpix.lan' },
                      sshOpts: { kind: 'list', items: ['-p', '2222'] },
                      profiles: {
                        kind: 'attrs',
                        attrs: { system: { kind: 'attrs', attrs: { user: { kind: 'scalar', value: 'root' }, path: { kind: 'derivation', name: 'activatable-nixos-system-vulpix' } } } },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    });
    assert.deepEqual(outputs.deployNodes, [
      {
        name: 'vulpix',
        attrPath: 'deploy.nodes.vulpix',
        hostname: 'vulpix.lan',
        sshUser: 'admin',
        sshOpts: ['-p', '2222'],
        confirmTimeout: 60,
        profiles: [{ name: 'system', user: 'root', pathDrvName: 'activatable-nixos-system-vulpix' }],
      },
    ]);
  });

  it('lists images directly under images and nested per system', () => {
    const drv = (name: string) => ({ kind: 'derivation', name, system: 'x86_64-linux' });
    const outputs = interpretOutputs({
      flakeDir: '/w',
      metadata,
      show: { images: { type: 'unknown' } },
      details: { unknown: { images: { kind: 'attrs', attrs: { vulpix: drv('sd-a'), 'aarch64-linux': { kind: 'attrs', attrs: { pi4: drv('sd-b') } } } } } },
    });
    assert.deepEqual(
      outputs.images.map((i) => [i.name, i.attrPath, i.drvName]),
      [
        ['vulpix', 'images.vulpix', 'sd-a'],
        ['aarch64-linux.pi4', 'images.aarch64-linux.pi4', 'sd-b'],
      ],
    );
  });

  it('never fails on hostile or malformed JSON, and keeps other outputs by kind', () => {
    const outputs = interpretOutputs({
      flakeDir: '/w',
      metadata,
      show: { packages: 'nope', nixosConfigurations: { a: null }, overlays: { default: { type: 'nixpkgs-overlay' } }, formatter: { type: 'unknown' } },
      details: { packages: [1, 2], nixosConfigurations: { a: { hostSystem: 42 } }, unknown: { images: 'x', deploy: { kind: 'attrs', attrs: { nodes: 7 } } } },
    });
    assert.deepEqual(outputs.packages, []);
    assert.deepEqual(outputs.nixosConfigurations, [{ name: 'a', attrPath: 'nixosConfigurations.a' }]);
    assert.deepEqual(outputs.deployNodes, []);
    assert.deepEqual(
      outputs.other.map((o) => [o.name, o.kind]),
      [
        ['overlays', 'attrs'],
        ['formatter', 'unknown'],
      ],
    );
  });

  it('quotes attribute names that are not Nix identifiers in installables', () => {
    const outputs = interpretOutputs({
      flakeDir: '/w',
      metadata,
      show: { nixosConfigurations: { 'my.host': { type: 'nixos-configuration' } } },
      details: {},
    });
    assert.equal(outputs.nixosConfigurations[0]?.attrPath, 'nixosConfigurations."my.host"');
  });
});
