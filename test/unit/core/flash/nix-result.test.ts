import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DevicesError } from '../../../../src/core/errors';
import { findImageInResult, parseHydraBuildProducts } from '../../../../src/core/flash';
import { makeTempDir } from '../../../harness/temp-dir';

describe('Nix result folders', () => {
  const temp = makeTempDir('flash-result');
  after(() => temp.remove());

  it('parses hydra-build-products lines', () => {
    const products = parseHydraBuildProducts('file sd-image /nix/store/abc-nixos-sd-image-24.11-aarch64-linux.img.zst\n\nfile  system-build-log  /nix/store/x/log \n');
    assert.deepEqual(products, [
      { type: 'file', subtype: 'sd-image', path: '/nix/store/abc-nixos-sd-image-24.11-aarch64-linux.img.zst' },
      { type: 'file', subtype: 'system-build-log', path: '/nix/store/x/log' },
    ]);
  });

  it('finds the image that hydra-build-products names', async () => {
    const result = join(temp.path, 'with-products');
    mkdirSync(join(result, 'nix-support'), { recursive: true });
    writeFileSync(join(result, 'nix-support', 'hydra-build-products'), 'file system-build-log /nix/store/x/log\nfile sd-image /nix/store/abc-x.img.zst\n');
    assert.equal(await findImageInResult(result), '/nix/store/abc-x.img.zst');
  });

  it('falls back to the image in sd-image/ when there is no products file', async () => {
    const result = join(temp.path, 'plain');
    mkdirSync(join(result, 'sd-image'), { recursive: true });
    writeFileSync(join(result, 'sd-image', 'nixos.img.zst'), '');
    assert.equal(await findImageInResult(result), join(result, 'sd-image', 'nixos.img.zst'));
  });

  it('says what it looked for when a folder holds no image', async () => {
    await assert.rejects(findImageInResult(temp.path), (e: unknown) => e instanceof DevicesError && e.code === 'NOT_FOUND' && /sdImage/.test(e.message));
  });
});
