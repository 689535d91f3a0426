import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, fsyncSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { DevicesError } from '../../../src/core/errors';
import { HEAD_BYTES, IMAGE_FORMATS, startFlash, type FlashOptions, type FlashResult } from '../../../src/core/flash';
import type { JobOutcome } from '../../../src/core/jobs';
import { makeTempDir } from '../../harness/temp-dir';
import { attachLoop, buildImages, MIB, sha256File, type TestImages } from './images';

const TARGET_MIB = 32;

function makeTempDirIn(parent: string): string {
  return mkdtempSync(join(parent, 'nd-flash-'));
}

function readBytes(path: string, offset: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, offset);
    return buffer;
  } finally {
    closeSync(fd);
  }
}

function hasBootSignature(path: string): boolean {
  const sector = readBytes(path, 0, 512);
  return sector[510] === 0x55 && sector[511] === 0xaa;
}

function flash(options: FlashOptions): Promise<FlashResult> {
  return startFlash(options).result();
}

async function rejectsWith(promise: Promise<unknown>, code: string, text?: RegExp): Promise<DevicesError> {
  let caught: unknown;
  await assert.rejects(promise, (e: unknown) => {
    caught = e;
    return e instanceof DevicesError && e.code === code && (text === undefined || text.test(e.message));
  });
  return caught as DevicesError;
}

describe('flashing real loop devices and files', () => {
  const temp = makeTempDir('flash');
  const loops: { detach(): void }[] = [];
  const mounts: string[] = [];
  let images: TestImages;
  let other: TestImages;

  function loop(name: string, sizeMib = TARGET_MIB): { path: string; backing: string } {
    const l = attachLoop(join(temp.path, `${name}.backing`), sizeMib);
    loops.push(l);
    return l;
  }

  before(() => {
    images = buildImages(join(temp.path, 'a'), { sizeMib: 24, randomMib: 2 });
    other = buildImages(join(temp.path, 'b'), { sizeMib: 24, randomMib: 2, name: 'other-image' });
  });
  after(() => {
    for (const m of mounts) spawnSync('umount', [m]);
    for (const l of loops) l.detach();
    temp.remove();
  });

  for (const [label, pick] of [
    ['.img.zst', (i: TestImages) => i.zst],
    ['.img.xz', (i: TestImages) => i.xz],
    ['.img.gz', (i: TestImages) => i.gz],
    ['raw .img', (i: TestImages) => i.raw],
    ['Nix result folder', (i: TestImages) => i.result],
  ] as const) {
    it(`writes and verifies a ${label} image on a loop device byte for byte, printing both hashes`, async () => {
      const target = loop(`rt-${label.replace(/\W/g, '')}`);
      const image = pick(images);
      const result = await flash({ image, target: target.path, allowNonRemovable: true });
      assert.equal(result.verified, true);
      assert.equal(result.bytesWritten, images.size);
      assert.equal(result.writtenSha256, images.sha256);
      const shipped = label === 'Nix result folder' ? images.zst : image;
      assert.equal(result.imageFileSha256, sha256File(shipped));
      assert.equal(result.writeMode, 'direct');
      execFileSync('cmp', ['-n', String(images.size), images.raw, target.path]);
      assert.equal(hasBootSignature(target.path), true);
    });
  }

  for (const [label, extra] of [
    ['24 MiB and 1,234 bytes', 23 * MIB + 1234],
    ['1 MiB and 100 bytes (a body shorter than a page)', 100],
  ] as const) {
    it(`writes and verifies an image of ${label}: the piece past the last whole page goes through the page cache and is synced`, async () => {
      const odd = join(temp.path, `odd-${extra}.img`);
      const bytes = Buffer.concat([readFileSync(images.raw).subarray(0, MIB), randomBytes(extra)]);
      writeFileSync(odd, bytes);
      const target = loop(`odd-${extra}`);
      const result = await flash({ image: odd, target: target.path, allowNonRemovable: true });
      assert.equal(result.verified, true);
      assert.equal(result.writeMode, 'direct');
      assert.equal(result.bytesWritten, bytes.length);
      execFileSync('cmp', ['-n', String(bytes.length), odd, target.backing]);
    });
  }

  it('writes a .img.zst to a plain file on ext4 with direct writes', async () => {
    const file = join(temp.path, 'vm.img');
    writeFileSync(file, '');
    const result = await flash({ image: images.zst, target: file, allowNonRemovable: true });
    assert.equal(result.writeMode, 'direct');
    assert.equal(result.verified, true);
    execFileSync('cmp', [images.raw, file]);
  });

  it('writes a file on tmpfs with buffered writes and fsync, the fallback where O_DIRECT is refused', async () => {
    const shm = makeTempDirIn('/dev/shm');
    try {
      const file = join(shm, 'vm.img');
      writeFileSync(file, '');
      // tmpfs takes O_DIRECT since Linux 6.6, so the buffered path is asked for explicitly.
      const result = await flash({ image: images.gz, target: file, allowNonRemovable: true, writeMode: 'buffered' });
      assert.equal(result.writeMode, 'buffered');
      assert.equal(result.verified, true);
      execFileSync('cmp', [images.raw, file]);
    } finally {
      rmSync(shm, { recursive: true, force: true });
    }
  });

  it('has a format for every image kind the issue names', () => {
    assert.deepEqual(IMAGE_FORMATS.map((f) => f.id), ['zstd', 'xz', 'gzip', 'raw']);
  });

  for (const ext of ['zst', 'xz'] as const) {
    it(`refuses a truncated .img.${ext} before writing anything, naming the file`, async () => {
      const cut = join(temp.path, `cut.img.${ext}`);
      const whole = readFileSync(images[ext]);
      writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
      const target = loop(`trunc-${ext}`);
      copyFileSync(other.raw, target.backing);
      await rejectsWith(flash({ image: cut, target: target.path, allowNonRemovable: true }), 'IMAGE_TRUNCATED', /cut\.img\.\w+ ends too early.*Nothing was written to/s);
      execFileSync('cmp', ['-n', String(other.size), other.raw, target.backing]);
    });

    it(`stops on a corrupted .img.${ext} with IMAGE_CORRUPT and leaves the card without a partition table`, async () => {
      const bad = join(temp.path, `bad.img.${ext}`);
      const bytes = Buffer.from(readFileSync(images[ext]));
      // Deep in the compressed data, past every header, so only decompression can notice.
      const middle = Math.floor(bytes.length / 2);
      for (let i = middle; i < middle + 64; i++) bytes[i] = (bytes[i] ?? 0) ^ 0x5a;
      writeFileSync(bad, bytes);
      const target = loop(`corrupt-${ext}`);
      copyFileSync(other.raw, target.backing);
      assert.equal(hasBootSignature(target.path), true);
      await rejectsWith(flash({ image: bad, target: target.path, allowNonRemovable: true }), 'IMAGE_CORRUPT', /bad\.img\.\w+ is corrupt.*first MiB is zeroed/s);
      assert.equal(hasBootSignature(target.backing), false);
    });
  }

  it('reports a truncated stream from the zstd program itself as IMAGE_TRUNCATED', async () => {
    const zstd = IMAGE_FORMATS.find((f) => f.id === 'zstd');
    assert.ok(zstd !== undefined);
    const whole = readFileSync(images.zst);
    const stream = zstd.decompress(Readable.from([whole.subarray(0, whole.length >> 1)]), { path: 'half.img.zst', decompressor: 'program' });
    await rejectsWith((async () => { for await (const _ of stream) { /* drain */ } })(), 'IMAGE_TRUNCATED', /half\.img\.zst/);
  });

  it('refuses a mounted loop device unless told to unmount, and then unmounts it', async () => {
    const target = loop('mounted');
    execFileSync('mkfs.ext4', ['-q', '-F', target.path]);
    const mountpoint = join(temp.path, 'mnt');
    execFileSync('mkdir', ['-p', mountpoint]);
    execFileSync('mount', [target.path, mountpoint]);
    mounts.push(mountpoint);
    await rejectsWith(flash({ image: images.zst, target: target.path, allowNonRemovable: true }), 'DRIVE_MOUNTED', /mounted at .*mnt.*--unmount.*Nothing was written/s);
    // Still mounted and still ext4 (magic 0xEF53 at byte 1080).
    assert.equal(spawnSync('mountpoint', ['-q', mountpoint]).status, 0);
    assert.equal(readBytes(target.backing, 1080, 2).readUInt16LE(0), 0xef53);
    const result = await flash({ image: images.zst, target: target.path, allowNonRemovable: true, unmount: true });
    assert.equal(result.verified, true);
    assert.notEqual(spawnSync('mountpoint', ['-q', mountpoint]).status, 0);
  });

  it('refuses a loop device smaller than the image before any write', async () => {
    const target = loop('small', 8);
    writeFileSync(target.backing, Buffer.alloc(8 * MIB, 0xa5));
    const before = sha256File(target.backing);
    await rejectsWith(flash({ image: images.zst, target: target.path, allowNonRemovable: true }), 'DRIVE_TOO_SMALL', /smaller than the image/);
    assert.equal(sha256File(target.backing), before);
  });

  it('refuses a loop device without --allow-non-removable', async () => {
    const target = loop('not-allowed');
    await rejectsWith(flash({ image: images.zst, target: target.path }), 'DRIVE_NOT_ALLOWED', /loop device/);
  });

  it('leaves a card that held a valid image with no boot signature and no partition table when cancelled mid-write', async () => {
    const target = loop('cancel');
    await flash({ image: other.zst, target: target.path, allowNonRemovable: true });
    assert.equal(hasBootSignature(target.path), true);
    const job = startFlash({ image: images.xz, target: target.path, allowNonRemovable: true });
    let phase = '';
    let cancelledAt = -1;
    job.onEvent((event) => {
      if (event.kind === 'phase') phase = event.phase;
      if (event.kind === 'progress' && phase === 'writing' && cancelledAt < 0) {
        cancelledAt = event.progress.done;
        job.cancel();
      }
    });
    const outcome: JobOutcome<FlashResult> = await job.done;
    assert.equal(outcome.status, 'cancelled');
    assert.ok(cancelledAt > 0 && cancelledAt < images.size, `cancelled at ${cancelledAt}`);
    assert.match(outcome.status === 'cancelled' ? outcome.error.message : '', /partly written and its first MiB is zeroed/);
    assert.equal(hasBootSignature(target.backing), false);
    assert.ok(readBytes(target.backing, 0, HEAD_BYTES).every((b) => b === 0), 'first MiB is zero');
    assert.ok(readBytes(target.backing, TARGET_MIB * MIB - MIB, MIB).every((b) => b === 0), 'last MiB is zero');
    const table = spawnSync('sfdisk', ['--dump', target.backing], { encoding: 'utf-8' });
    assert.notEqual(table.status, 0, `sfdisk still finds a table: ${table.stdout}`);
  });

  it('catches a byte changed on the backing file between write and verify, which a cached read would miss', async () => {
    const target = loop('tamper');
    const offset = 4096; // inside the first MiB, which reaches the device through its page cache
    const original = readBytes(images.raw, offset, 1)[0] ?? 0;
    // The kernel drops a block device's page cache on its last close: holding it open keeps the
    // cache alive, as udev's probes or a file manager do on a real desktop.
    const holder = openSync(target.path, 'r');
    const job = startFlash({ image: images.zst, target: target.path, allowNonRemovable: true });
    let cachedByte = -1;
    job.onEvent((event) => {
      if (event.kind !== 'phase' || event.phase !== 'verifying') return;
      const fd = openSync(target.backing, 'r+');
      writeSync(fd, Buffer.from([original ^ 0xff]), 0, 1, offset);
      fsyncSync(fd);
      closeSync(fd);
      const byte = Buffer.alloc(1);
      readSync(holder, byte, 0, 1, offset);
      cachedByte = byte[0] ?? -1;
    });
    const outcome = await job.done.finally(() => closeSync(holder));
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.status === 'failed' ? outcome.error.code : '', 'VERIFY_FAILED');
    assert.equal(cachedByte, original, 'a read through the page cache still sees the old byte');
  });
});
