import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapStorePath, mapStorePathsInText } from '../../../../src/core/nix';

const STORE = '/nix/store/rf0c501isryawgaxhyhr3nz687v76vc3-source';

describe('store source paths', () => {
  it('maps a file in the flake source copy back to the workspace', () => {
    assert.equal(mapStorePath(`${STORE}/modules/board.nix`, [{ storePath: STORE, localDir: '/home/u/flake' }]), '/home/u/flake/modules/board.nix');
  });

  it('leaves paths of other store objects alone', () => {
    const other = '/nix/store/0c5j1xbm8ncxai9cbsj6lkcqlba2bx2z-source/lib/default.nix';
    assert.equal(mapStorePath(other, [{ storePath: STORE, localDir: '/w' }]), other);
    assert.equal(mapStorePathsInText(`at ${other}:3:1`, [{ storePath: STORE, localDir: '/w' }]), `at ${other}:3:1`);
  });

  it('maps every occurrence inside a message, and unknown sources to the fallback folder', () => {
    const text = `error: x\n at ${STORE}/flake.nix:3:9:\n and ${STORE}/a.nix`;
    assert.equal(mapStorePathsInText(text, [], '/w'), 'error: x\n at /w/flake.nix:3:9:\n and /w/a.nix');
  });
});
