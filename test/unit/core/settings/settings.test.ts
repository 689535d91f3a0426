import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SETTINGS, readSettings } from '../../../../src/core/settings';

describe('readSettings', () => {
  it('gives the defaults for missing values', () => {
    assert.deepEqual(readSettings(() => undefined), DEFAULT_SETTINGS);
  });

  it('turns bad values into defaults instead of failing', () => {
    const raw: Record<string, unknown> = {
      'nix.path': 42,
      'nix.environment': { NIX_CONFIG: 'x', 'BAD NAME': 'y', GONE: null, NUM: 3 },
      'flake.paths': ['a', 7, '', ' b '],
      'flake.maxDiscovered': 10_000,
      devices: [{ name: 'pi', host: 'pi.lan', port: 70000, user: '' }, { name: 'pi', host: 'dup' }, { host: 'no-name' }, 'junk'],
    };
    const settings = readSettings((key) => raw[key]);
    assert.equal(settings.nixPath, 'nix');
    assert.deepEqual(settings.nixEnvironment, { NIX_CONFIG: 'x', GONE: undefined });
    assert.deepEqual(settings.flakePaths, ['a', 'b']);
    assert.equal(settings.maxDiscoveredFlakes, 20);
    assert.deepEqual(settings.devices, [{ name: 'pi', host: 'pi.lan' }]);
  });
});
