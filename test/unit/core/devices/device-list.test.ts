import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listDevices } from '../../../../src/core/devices';
import type { FlakeOutputs } from '../../../../src/core/nix';

const flake: FlakeOutputs = {
  flakeDir: '/w',
  sourcePath: '/nix/store/x-source',
  nixosConfigurations: [{ name: 'vulpix', attrPath: 'nixosConfigurations.vulpix', hostSystem: 'armv7l-linux' }],
  images: [],
  packages: [],
  deployNodes: [{ name: 'vulpix', attrPath: 'deploy.nodes.vulpix', hostname: '10.0.0.2', sshUser: 'root', sshOpts: [], profiles: [] }],
  other: [],
};

describe('listDevices', () => {
  it('takes deploy nodes with the system of the configuration of the same name', () => {
    const [device] = listDevices([flake], []);
    assert.equal(device?.host, '10.0.0.2');
    assert.equal(device?.system, 'armv7l-linux');
    assert.deepEqual(device?.sources, ['flake']);
  });

  it('lets a settings entry extend the deploy node of the same name', () => {
    const devices = listDevices([flake], [
      { name: 'vulpix', host: 'vulpix.lan', port: 2222 },
      { name: 'bench', host: '192.0.2.9' },
    ]);
    assert.deepEqual(
      devices.map((d) => [d.name, d.host, d.port, d.sources]),
      [
        ['bench', '192.0.2.9', undefined, ['settings']],
        ['vulpix', 'vulpix.lan', 2222, ['flake', 'settings']],
      ],
    );
  });
});
