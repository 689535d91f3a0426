import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffClosures, parseClosureSizes, parseDrvName, storePathName, summarizeDiff } from '../../../../src/core/deploy';

const p = (name: string, hash = 'a'): string => `/nix/store/${hash.repeat(32).slice(0, 32)}-${name}`;

describe('store path names split like Nix DrvName', () => {
  for (const [full, name, version] of [
    ['hello-2.12.1', 'hello', '2.12.1'],
    ['perl5.36.0-Moo-2.005004', 'perl5.36.0-Moo', '2.005004'],
    ['linux-6.1.21-modules', 'linux', '6.1.21-modules'],
    ['nixos-system-vulpix-23.05.1', 'nixos-system-vulpix', '23.05.1'],
    ['etc', 'etc', ''],
    ['python3.11-requests-2.31.0', 'python3.11-requests', '2.31.0'],
    ['unit-script-x-start', 'unit-script-x-start', ''],
    ['foo-', 'foo-', ''],
  ] as const) {
    it(`${full} → ${name} / ${version || '(none)'}`, () => assert.deepEqual(parseDrvName(full), { name, version }));
  }
  it('drops the store folder and hash', () => assert.equal(storePathName(p('hello-2.12.1')), 'hello-2.12.1'));
});

describe('closure diff', () => {
  const before = [
    { path: p('hello-2.12', 'a'), narSize: 100 },
    { path: p('openssl-3.0.8', 'b'), narSize: 1000 },
    { path: p('old-tool-1.0', 'c'), narSize: 50 },
    { path: p('etc', 'd'), narSize: 10 },
  ];
  const after = [
    { path: p('hello-2.12', 'a'), narSize: 100 },
    { path: p('openssl-3.0.9', 'e'), narSize: 1100 },
    { path: p('new-tool-0.3', 'f'), narSize: 70 },
    { path: p('etc', 'g'), narSize: 12 },
  ];

  it('lists added, removed and changed packages with versions and size deltas', () => {
    const diff = diffClosures(before, after);
    assert.deepEqual(diff.added, [{ name: 'new-tool', versions: ['0.3'], size: 70 }]);
    assert.deepEqual(diff.removed, [{ name: 'old-tool', versions: ['1.0'], size: 50 }]);
    assert.deepEqual(diff.changed, [{ name: 'openssl', before: ['3.0.8'], after: ['3.0.9'], sizeDelta: 100 }]);
    assert.equal(diff.sizeDelta, 1282 - 1160);
    // etc was rebuilt (new path) but its version did not change: a path change, not a package change.
    assert.deepEqual([diff.pathsAdded, diff.pathsRemoved], [3, 3]);
    assert.match(summarizeDiff(diff), /^1 added, 1 removed, 1 changed, \+0\.0 MiB$/);
  });

  it('an empty current closure (first deploy) lists everything as added', () => {
    const diff = diffClosures([], after);
    assert.equal(diff.added.length, 4);
    assert.equal(diff.sizeBefore, 0);
  });

  it('reads the closure listing the board prints', () => {
    assert.deepEqual(parseClosureSizes(`${p('a-1')}\n${p('b-2')}\n---\n10\n20\n`), [
      { path: p('a-1'), narSize: 10 },
      { path: p('b-2'), narSize: 20 },
    ]);
    assert.throws(() => parseClosureSizes(`${p('a-1')}\n---\n`), /1 paths but 0 sizes/);
  });
});
