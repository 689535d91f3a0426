import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DevicesError } from '../../../../src/core/errors';
import { estimateGzipSize, formatForMagic, formatForName, readXzUncompressedSize, readZstdLayout } from '../../../../src/core/flash';
import { makeTempDir } from '../../../harness/temp-dir';
import { FLASH_FIXTURES } from './fixtures';

const IMAGES = join(FLASH_FIXTURES, 'images');
const TINY_IMAGE_BYTES = 163_000;

function fixture(name: string): { path: string; size: number } {
  const path = join(IMAGES, name);
  return { path, size: readFileSync(path).length };
}

describe('image size readers', () => {
  const temp = makeTempDir('flash-size');
  after(() => temp.remove());

  function cut(name: string, keep: number): { path: string; size: number } {
    const path = join(temp.path, `cut-${keep}-${name}`);
    writeFileSync(path, readFileSync(join(IMAGES, name)).subarray(0, keep));
    return { path, size: keep };
  }

  it('adds up the content sizes of every zstd frame', async () => {
    const f = fixture('two-frames.img.zst');
    assert.deepEqual(await readZstdLayout(f.path, f.size), { frames: 2, contentSize: TINY_IMAGE_BYTES });
  });

  it('says so when a zstd frame does not record its size', async () => {
    const f = fixture('no-content-size.img.zst');
    assert.deepEqual(await readZstdLayout(f.path, f.size), { frames: 1, contentSize: undefined });
  });

  it('reports a zstd file cut anywhere after its header as truncated, naming the file', async () => {
    const whole = fixture('two-frames.img.zst').size;
    for (const keep of [6, 40, Math.floor(whole / 2), whole - 1]) {
      const f = cut('two-frames.img.zst', keep);
      await assert.rejects(readZstdLayout(f.path, f.size), (e: unknown) => e instanceof DevicesError && e.code === 'IMAGE_TRUNCATED' && e.message.includes('two-frames.img.zst'), `cut at ${keep}`);
    }
  });

  it('reports bytes that are not a zstd frame as corrupt', async () => {
    const path = join(temp.path, 'garbage.img.zst');
    const bytes = readFileSync(join(IMAGES, 'two-frames.img.zst'));
    const tail = Buffer.concat([bytes, Buffer.from('not a frame at all')]);
    writeFileSync(path, tail);
    await assert.rejects(readZstdLayout(path, tail.length), (e: unknown) => e instanceof DevicesError && e.code === 'IMAGE_CORRUPT');
  });

  it('reads the uncompressed size of every xz stream from the indexes, across stream padding', async () => {
    const f = fixture('two-streams.img.xz');
    assert.equal(await readXzUncompressedSize(f.path, f.size), TINY_IMAGE_BYTES);
  });

  it('reports a cut xz file as truncated', async () => {
    const f = cut('two-streams.img.xz', fixture('two-streams.img.xz').size - 5);
    await assert.rejects(readXzUncompressedSize(f.path, f.size), (e: unknown) => e instanceof DevicesError && e.code === 'IMAGE_TRUNCATED');
  });

  it('estimates a gzip size from ISIZE, adding 2^32 until it is at least the compressed size', () => {
    assert.equal(estimateGzipSize(163_000, 3_479), 163_000);
    assert.equal(estimateGzipSize(1_000, 2 ** 32 + 5), 2 ** 32 + 1_000);
    assert.equal(estimateGzipSize(1_000, 2 ** 32 + 5_000), 2 ** 33 + 1_000);
  });

  it('recognises formats by magic bytes and names, raw when nothing matches', () => {
    assert.equal(formatForMagic(readFileSync(join(IMAGES, 'two-frames.img.zst'))).id, 'zstd');
    assert.equal(formatForMagic(readFileSync(join(IMAGES, 'two-streams.img.xz'))).id, 'xz');
    assert.equal(formatForMagic(readFileSync(join(IMAGES, 'tiny.img.gz'))).id, 'gzip');
    assert.equal(formatForMagic(Buffer.alloc(8)).id, 'raw');
    assert.equal(formatForName('nixos-sd-image-24.11-aarch64-linux.img.zst')?.id, 'zstd');
    assert.equal(formatForName('X.ISO')?.id, 'raw');
    assert.equal(formatForName('notes.txt'), undefined);
  });
});
