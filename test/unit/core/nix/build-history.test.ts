import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BuildHistory } from '../../../../src/core/nix';
import { makeTempDir } from '../../../harness/temp-dir';

describe('BuildHistory', () => {
  const temp = makeTempDir('history');
  after(() => temp.remove());

  it('estimates a package by the median of its earlier builds, across versions, after a reload', async () => {
    const file = join(temp.path, 'sub', 'history.json');
    const history = new BuildHistory(file);
    await history.load();
    history.record('gcc-12.2.0', 3_000_000);
    history.record('gcc-12.3.0', 1_000_000);
    history.record('gcc-12.3.0', 2_000_000);
    await history.save();
    const reloaded = new BuildHistory(file);
    await reloaded.load();
    assert.equal(reloaded.estimateMs('gcc-13.1.0'), 2_000_000);
    assert.equal(reloaded.estimateMs('hello-2.12'), undefined);
    assert.deepEqual(reloaded.estimate(['gcc-13.1.0', 'hello-2.12', 'gcc-wrapper-13.1.0']), { knownMs: 2_000_000, known: 1, unknown: 2 });
  });

  it('starts empty from a corrupt file and keeps records made before load', async () => {
    const file = join(temp.path, 'corrupt.json');
    writeFileSync(file, '{not json');
    const history = new BuildHistory(file);
    history.record('rustc-1.73.0', 500);
    await history.save();
    const again = new BuildHistory(file);
    await again.load();
    assert.equal(again.estimateMs('rustc-1.74.0'), 500);
  });
});
