import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveFlakeDirs } from '../../../../src/core/nix';

describe('resolveFlakeDirs', () => {
  it('lists discovered flakes shallowest first and skips vendored and build folders', () => {
    const dirs = resolveFlakeDirs({
      workspaceFolders: ['/w'],
      configuredPaths: [],
      discoveredFlakeFiles: ['/w/examples/pi/flake.nix', '/w/flake.nix', '/w/node_modules/x/flake.nix', '/w/result/flake.nix'],
      max: 10,
    });
    assert.deepEqual(dirs, ['/w', '/w/examples/pi']);
  });

  it('uses the configured paths instead, relative to each workspace folder', () => {
    const dirs = resolveFlakeDirs({ workspaceFolders: ['/a', '/b'], configuredPaths: ['nix', '/abs/flake'], discoveredFlakeFiles: ['/a/flake.nix'], max: 10 });
    assert.deepEqual(dirs, ['/a/nix', '/b/nix', '/abs/flake']);
  });

  it('keeps at most max folders', () => {
    const files = Array.from({ length: 5 }, (_, i) => `/w/f${i}/flake.nix`);
    assert.equal(resolveFlakeDirs({ workspaceFolders: ['/w'], configuredPaths: [], discoveredFlakeFiles: files, max: 2 }).length, 2);
  });
});
