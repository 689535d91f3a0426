import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffClosures } from '../../../../src/core/deploy';
import { deployDiffState } from '../../../../src/ui/webviews/deploy-diff-state';

const MiB = 1024 * 1024;
const p = (hash: string, name: string, narSize: number) => ({ path: `/nix/store/${hash.repeat(32).slice(0, 32)}-${name}`, narSize });

describe('deploy diff webview state', () => {
  it('lists changed, added and removed packages, biggest size change first, with the summary', () => {
    const before = [p('a', 'openssh-9.6p1', 3 * MiB), p('b', 'htop-3.2.2', 1 * MiB), p('c', 'nano-7.2', 2 * MiB), p('s', 'nixos-system-vulpix-23.05', 1000)];
    const after = [p('d', 'openssh-9.7p1', 3 * MiB + 512 * 1024), p('b', 'htop-3.2.2', 1 * MiB), p('e', 'humility-0.10.0', 20 * MiB), p('t', 'nixos-system-vulpix-23.05', 1000)];
    const state = deployDiffState('vulpix', '10.77.0.2', after[3]?.path ?? '', diffClosures(before, after));
    assert.equal(state.system, 'nixos-system-vulpix-23.05');
    assert.deepEqual(
      state.diff?.rows.map((r) => [r.kind, r.name, r.before.join(','), r.after.join(','), r.sizeDelta]),
      [
        ['added', 'humility', '', '0.10.0', 20 * MiB],
        ['removed', 'nano', '7.2', '', -2 * MiB],
        ['changed', 'openssh', '9.6p1', '9.7p1', 512 * 1024],
      ],
    );
    assert.match(state.diff?.summary ?? '', /^1 added, 1 removed, 1 changed, \+18\.5 MiB$/);
  });

  it('says nothing to compare with on a first deploy', () => {
    const state = deployDiffState('vulpix', 'pi.lan', '/nix/store/00000000000000000000000000000000-nixos-system-x', undefined);
    assert.equal(state.diff, undefined);
    assert.equal(state.system, 'nixos-system-x');
  });
});
