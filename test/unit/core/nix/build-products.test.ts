import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { closureBytesOf, findSdImage, outLinkName, localFlakeDir, parseHydraBuildProducts } from '../../../../src/core/nix';
import { makeTempDir } from '../../../harness/temp-dir';

describe('build products', () => {
  const temp = makeTempDir('products');
  after(() => temp.remove());

  it('parses hydra-build-products lines', () => {
    assert.deepEqual(parseHydraBuildProducts('file sd-image /nix/store/x-img/sd-image/a.img.zst\ndoc manual "/nix/store/y doc/index.html"\n\n'), [
      { type: 'file', subtype: 'sd-image', path: '/nix/store/x-img/sd-image/a.img.zst' },
      { type: 'doc', subtype: 'manual', path: '/nix/store/y doc/index.html' },
    ]);
  });

  it('finds the SD image of an output, and none for an output without products', async () => {
    const out = join(temp.path, 'out');
    mkdirSync(join(out, 'nix-support'), { recursive: true });
    writeFileSync(join(out, 'nix-support', 'hydra-build-products'), `file sd-image ${out}/sd-image/n.img.zst\n`);
    assert.equal(await findSdImage(out), `${out}/sd-image/n.img.zst`);
    assert.equal(await findSdImage(temp.path), undefined);
  });

  it('sums each path of a closure once, from 2.8 arrays and newer objects', () => {
    assert.equal(closureBytesOf([{ path: '/a', narSize: 10, closureSize: 30 }, { path: '/b', narSize: 20 }, { path: '/a', narSize: 10 }]), 30);
    assert.equal(closureBytesOf({ '/a': { narSize: 10 }, '/b': { narSize: 5 } }), 15);
    assert.equal(closureBytesOf('nonsense'), 0);
  });

  it('names out-links after the attribute and finds local flake folders', () => {
    assert.equal(outLinkName('.#images.vulpix'), 'images.vulpix');
    assert.equal(outLinkName('.#"weird name"'), '_weird_name_');
    assert.equal(outLinkName('.'), 'default');
    assert.equal(localFlakeDir('.#x', '/w'), '/w');
    assert.equal(localFlakeDir('./sub#x', '/w'), '/w/sub');
    assert.equal(localFlakeDir('path:/abs?dir=x#y', '/w'), '/abs');
    assert.equal(localFlakeDir('github:o/r#x', '/w'), undefined);
  });
});
