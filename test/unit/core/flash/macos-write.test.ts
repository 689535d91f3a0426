/**
 * The macOS write loop (docs/flash-macos.md), run here on Linux through the `platform` seam.
 * Stand-ins, since there is no macOS in CI:
 * - a regular file in a temp folder stands in for the raw device /dev/rdiskN (the sink and the
 *   read-back are given it directly; startFlash sees it as a plain file target);
 * - shell scripts named diskutil, blockdev, dd, umount, eject and udisksctl, first on PATH, stand
 *   in for the programs and record every argv, so a run shows which programs the darwin branch
 *   spawned (diskutil only) and which it did not (blockdev, dd);
 * - a recorder around FileHandle's write and read checks every I/O is whole sectors.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readlinkSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DevicesError } from '../../../../src/core/errors';
import { HEAD_BYTES, hashDeviceBytes, startFlash, type Drive, type FlashResult } from '../../../../src/core/flash';
import { ejectDrive, rereadPartitionTable, unmountAll, writeHead } from '../../../../src/core/flash/device-ops';
import { rawSink, SECTOR_BYTES, type RawTarget } from '../../../../src/core/flash/raw-sink';
import type { JobOutcome } from '../../../../src/core/jobs';
import { makeTempDir } from '../../../harness/temp-dir';

const MIB = 1024 * 1024;
const STAND_INS = ['diskutil', 'blockdev', 'dd', 'umount', 'eject', 'udisksctl'] as const;

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

function readBytes(path: string, offset: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const got = readSync(fd, buffer, 0, length, offset);
    return buffer.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** An image like an SD image's start: a boot signature at 510, random bytes, a partial last sector. */
function makeImage(path: string, bytes: number): Buffer {
  const data = randomBytes(bytes);
  data[510] = 0x55;
  data[511] = 0xaa;
  writeFileSync(path, data);
  return data;
}

interface Io {
  readonly kind: 'write' | 'read';
  readonly length: number;
  readonly position: number;
  /** The file the handle has open (from /proc/self/fd: these tests run on Linux). */
  readonly path?: string;
}

const pathOf = (handle: FileHandle): string => readlinkSync(`/proc/self/fd/${handle.fd}`);

/** Records FileHandle writes and reads (lengths and positions) while `body` runs. */
async function recordingIo<T>(body: () => Promise<T>): Promise<{ value: T; ios: Io[] }> {
  const probe = await open(__filename, 'r');
  const proto = Object.getPrototypeOf(probe) as object;
  await probe.close();
  // Taken unbound on purpose: they are called again below with the recorded handle as `this`.
  const originalWrite = Reflect.get(proto, 'write') as (...a: unknown[]) => unknown;
  const originalRead = Reflect.get(proto, 'read') as (...a: unknown[]) => unknown;
  const ios: Io[] = [];
  // Patched on the prototype so the handles startFlash opens are recorded too; restored after.
  Object.assign(proto, {
    write(this: FileHandle, ...args: unknown[]) {
      if (Buffer.isBuffer(args[0]) && typeof args[2] === 'number' && typeof args[3] === 'number') ios.push({ kind: 'write', length: args[2], position: args[3], path: pathOf(this) });
      return originalWrite.apply(this, args);
    },
    read(this: FileHandle, ...args: unknown[]) {
      if (Buffer.isBuffer(args[0]) && typeof args[2] === 'number' && typeof args[3] === 'number') ios.push({ kind: 'read', length: args[2], position: args[3], path: pathOf(this) });
      return originalRead.apply(this, args);
    },
  });
  try {
    return { value: await body(), ios };
  } finally {
    Object.assign(proto, { write: originalWrite, read: originalRead });
  }
}

describe('macOS write loop (darwin branch on a stand-in for /dev/rdiskN)', () => {
  const temp = makeTempDir('flash-macos');
  const bin = join(temp.path, 'bin');
  const calls = join(temp.path, 'calls.log');
  const savedPath = process.env['PATH'];

  before(() => {
    mkdirSync(bin);
    for (const name of STAND_INS) {
      const script = join(bin, name);
      // Records the argv, one call a line; diskutil succeeds, the Linux programs too (so only the log tells).
      writeFileSync(script, `#!/bin/sh\nprintf '%s' ${name} >> '${calls}'\nfor a in "$@"; do printf ' %s' "$a" >> '${calls}'; done\necho >> '${calls}'\nexit 0\n`);
      chmodSync(script, 0o755);
    }
    process.env['PATH'] = `${bin}${delimiter}${savedPath ?? ''}`;
  });
  beforeEach(() => writeFileSync(calls, ''));
  after(() => {
    process.env['PATH'] = savedPath;
    temp.remove();
  });

  const spawned = (): string[] => (existsSync(calls) ? readFileSync(calls, 'utf-8').split('\n').filter((l) => l !== '') : []);

  it('writes the body in whole-sector blocks and pads only a raw device\'s last partial sector with zeros', async () => {
    const body = randomBytes(2 * MIB + 3 * SECTOR_BYTES + 100); // ends 100 bytes into a sector
    for (const wholeSectors of [true, false]) {
      const path = join(temp.path, `sink-${String(wholeSectors)}.rdisk`);
      writeFileSync(path, Buffer.alloc(4 * MIB, 0xee)); // old card contents
      const handle = await open(path, 'r+');
      const writes: Io[] = [];
      let syncs = 0;
      const recorder: RawTarget = {
        write: (buffer, offset, length, position) => {
          writes.push({ kind: 'write', length, position });
          return handle.write(buffer, offset, length, position);
        },
        sync: async () => {
          syncs++;
          await handle.sync();
        },
      };
      const sink = rawSink(recorder, { startOffset: HEAD_BYTES, wholeSectors, devicePath: path, blockBytes: MIB });
      // Pieces of odd sizes, as a decompressor hands them over.
      for (let at = 0; at < body.length; at += 65_537) await sink.write(body.subarray(at, Math.min(body.length, at + 65_537)));
      await sink.end();
      await handle.close();
      const last = writes.at(-1);
      assert.ok(last !== undefined);
      for (const w of writes.slice(0, -1)) {
        assert.equal(w.length % SECTOR_BYTES, 0, `write of ${w.length} bytes`);
        assert.equal(w.position % SECTOR_BYTES, 0, `write at ${w.position}`);
        assert.equal(w.length, MIB);
      }
      assert.equal(last.position % SECTOR_BYTES, 0);
      assert.equal(last.length, wholeSectors ? 3 * SECTOR_BYTES + SECTOR_BYTES : 3 * SECTOR_BYTES + 100);
      assert.equal(syncs, 1, 'one fsync at the end');
      const end = HEAD_BYTES + body.length;
      assert.deepEqual(readBytes(path, HEAD_BYTES, body.length), body, 'bytes round-trip');
      const after = readBytes(path, end, SECTOR_BYTES);
      const padding = SECTOR_BYTES - 100;
      if (wholeSectors) assert.ok(after.subarray(0, padding).every((b) => b === 0), 'the rest of the last sector is zeros');
      else assert.ok(after.subarray(0, padding).every((b) => b === 0xee), 'a plain file gets nothing past the image');
      assert.ok(after.subarray(padding).every((b) => b === 0xee), 'nothing written past the last sector');
    }
  });

  it('pads a head shorter than a sector only for a raw device', async () => {
    const path = join(temp.path, 'head.rdisk');
    writeFileSync(path, Buffer.alloc(2 * SECTOR_BYTES, 0xee));
    const head = randomBytes(700);
    const { ios } = await recordingIo(async () => {
      const handle = await open(path, 'r+');
      await writeHead(handle, head, { wholeSectors: true });
      await handle.close();
    });
    assert.deepEqual(ios.map((io) => [io.length, io.path]), [[2 * SECTOR_BYTES, path]]);
    assert.deepEqual(readBytes(path, 0, 700), head);
    assert.ok(readBytes(path, 700, 2 * SECTOR_BYTES - 700).every((b) => b === 0));
  });

  it('reads back in whole sectors and hashes exactly the image length', async () => {
    const path = join(temp.path, 'verify.rdisk');
    const image = randomBytes(5 * MIB + 77);
    writeFileSync(path, Buffer.concat([image, Buffer.alloc(SECTOR_BYTES - 77), randomBytes(MIB)]));
    const { value, ios } = await recordingIo(() => hashDeviceBytes(path, image.length, true, { platform: 'darwin' }));
    assert.equal(value, sha256(image));
    assert.ok(ios.length > 0);
    for (const io of ios) {
      assert.equal(io.kind, 'read');
      assert.equal(io.path, path);
      assert.equal(io.length % SECTOR_BYTES, 0, `read of ${io.length} bytes`);
      assert.equal(io.position % SECTOR_BYTES, 0, `read at ${io.position}`);
    }
    assert.equal(Math.max(...ios.map((io) => io.position + io.length)), Math.ceil(image.length / SECTOR_BYTES) * SECTOR_BYTES, 'reads stop at the sector the image ends in');
    assert.deepEqual(spawned(), [], 'no dd');
  });

  it('flashes through startFlash with platform darwin: round trip, verify, whole-sector I/O but a plain file\'s tail, no blockdev or dd', async () => {
    const imagePath = join(temp.path, 'round.img');
    const image = makeImage(imagePath, 9 * MIB + 1000);
    const target = join(temp.path, 'round.rdisk');
    writeFileSync(target, Buffer.alloc(12 * MIB, 0xee));
    const { value: result, ios } = await recordingIo(() => startFlash({ image: imagePath, target, allowNonRemovable: true, eject: true, platform: 'darwin' }).result());
    assert.equal(result.verified, true);
    assert.equal(result.bytesWritten, image.length);
    assert.equal(result.writtenSha256, sha256(image));
    assert.equal(result.writeMode, 'buffered', 'a plain file on macOS is written through the cache, then fsync');
    assert.deepEqual(readBytes(target, 0, image.length), image);
    const targetIo = ios.filter((io) => io.path === target && io.length > 0).map(({ kind, length, position }) => ({ kind, length, position }));
    const writes = targetIo.filter((io) => io.kind === 'write');
    // Wipe (head and end), 4 MiB blocks, the 1000-byte tail (a plain file is not padded), the head.
    const tail = writes.filter((w) => w.length % SECTOR_BYTES !== 0);
    assert.deepEqual(tail, [{ kind: 'write', length: 1000, position: HEAD_BYTES + 8 * MIB }]);
    for (const io of targetIo) assert.equal(io.position % SECTOR_BYTES, 0, `${io.kind} at ${io.position}`);
    assert.ok(writes.some((w) => w.length === 4 * MIB), 'body in 4 MiB blocks');
    assert.deepEqual(writes.at(-1), { kind: 'write', length: HEAD_BYTES, position: 0 }, 'the head is written last');
    assert.ok(targetIo.filter((io) => io.kind === 'read').every((io) => io.length % SECTOR_BYTES === 0), 'read-back in whole sectors');
    assert.deepEqual(spawned(), [], 'a plain file needs no diskutil, and no blockdev or dd ran');
  });

  it('catches a byte changed between write and verify', async () => {
    const imagePath = join(temp.path, 'tamper.img');
    const image = makeImage(imagePath, 3 * MIB + 300);
    const target = join(temp.path, 'tamper.rdisk');
    writeFileSync(target, Buffer.alloc(4 * MIB));
    const job = startFlash({ image: imagePath, target, allowNonRemovable: true, platform: 'darwin' });
    const offset = image.length - 10; // in the last, partial sector
    job.onEvent((event) => {
      if (event.kind !== 'phase' || event.phase !== 'verifying') return;
      const fd = openSync(target, 'r+');
      writeSync(fd, Buffer.from([(image[offset] ?? 0) ^ 0xff]), 0, 1, offset);
      closeSync(fd);
    });
    const outcome: JobOutcome<FlashResult> = await job.done;
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.status === 'failed' ? outcome.error.code : '', 'VERIFY_FAILED');
  });

  it('leaves the first MiB zero when cancelled mid-write', async () => {
    const target = join(temp.path, 'cancel.rdisk');
    writeFileSync(target, Buffer.alloc(40 * MIB));
    const firstPath = join(temp.path, 'first.img');
    makeImage(firstPath, 4 * MIB);
    await startFlash({ image: firstPath, target, allowNonRemovable: true, platform: 'darwin' }).result();
    assert.deepEqual([...readBytes(target, 510, 2)], [0x55, 0xaa], 'a bootable-looking card before');
    const imagePath = join(temp.path, 'cancel.img');
    const image = makeImage(imagePath, 32 * MIB + 5);
    const job = startFlash({ image: imagePath, target, allowNonRemovable: true, platform: 'darwin' });
    let phase = '';
    let cancelledAt = -1;
    job.onEvent((event) => {
      if (event.kind === 'phase') phase = event.phase;
      if (event.kind === 'progress' && phase === 'writing' && cancelledAt < 0) {
        cancelledAt = event.progress.done;
        job.cancel();
      }
    });
    const outcome = await job.done;
    assert.equal(outcome.status, 'cancelled');
    assert.ok(cancelledAt > 0 && cancelledAt < image.length, `cancelled at ${cancelledAt}`);
    assert.match(outcome.status === 'cancelled' ? outcome.error.message : '', /first MiB is zeroed/);
    assert.ok(readBytes(target, 0, HEAD_BYTES).every((b) => b === 0), 'first MiB is zero');
    assert.ok(readBytes(target, 39 * MIB, MIB).every((b) => b === 0), 'last MiB is zero');
    assert.deepEqual(spawned(), []);
  });

  it('unmounts, settles and ejects a disk with diskutil only, where Linux runs umount, blockdev and eject', async () => {
    const disk: Drive = {
      path: '/dev/disk4',
      name: 'disk4',
      kind: 'disk',
      size: 32 * 1000 ** 3,
      removable: true,
      hotplug: true,
      transport: 'sd',
      model: 'SD Card Reader',
      readOnly: false,
      mountpoints: ['/Volumes/FIRMWARE', '/Volumes/NO NAME'],
      holdsSwap: false,
    };
    await unmountAll(disk, { platform: 'darwin' });
    assert.equal(await rereadPartitionTable(disk, { platform: 'darwin' }), undefined);
    await ejectDrive(disk, { platform: 'darwin' });
    assert.deepEqual(spawned(), ['diskutil unmountDisk /dev/disk4', 'diskutil unmountDisk /dev/disk4', 'diskutil eject /dev/disk4']);

    // The same calls on Linux show the stand-ins would have caught blockdev and friends.
    writeFileSync(calls, '');
    const linuxDisk: Drive = { ...disk, path: '/dev/sdz', name: 'sdz', mountpoints: ['/media/x'] };
    await unmountAll(linuxDisk, { platform: 'linux' });
    await rereadPartitionTable(linuxDisk, { platform: 'linux' });
    await ejectDrive(linuxDisk, { platform: 'linux' });
    assert.deepEqual(spawned(), ['umount /media/x', 'blockdev --rereadpt /dev/sdz', 'eject /dev/sdz']);
  });

  it('refuses a volume (diskNsM) as a macOS target', async () => {
    const disk: Drive = { path: '/dev/disk4s1', name: 'disk4s1', kind: 'disk', size: MIB, removable: true, hotplug: true, transport: 'sd', model: undefined, readOnly: false, mountpoints: ['/Volumes/X'], holdsSwap: false };
    await assert.rejects(unmountAll(disk, { platform: 'darwin' }), (e: unknown) => e instanceof DevicesError && e.code === 'INVALID_ARGUMENT');
    assert.deepEqual(spawned(), []);
  });
});
