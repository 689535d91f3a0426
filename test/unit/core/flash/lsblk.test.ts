import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DevicesError } from '../../../../src/core/errors';
import { cleanLabel, describeDrive, formatBytes, parseLsblk, parseProcSwaps } from '../../../../src/core/flash';
import { drive, machine } from './fixtures';

describe('lsblk parsing', () => {
  it('collects mount points from partitions, LUKS and LVM below a disk, and swap', () => {
    const nvme = drive(machine('laptop-luks-lvm-sd-slot'), 'nvme0n1');
    assert.deepEqual(nvme.mountpoints, ['/boot', '/nix/store', '/', '/home']);
    assert.equal(nvme.holdsSwap, true);
    assert.equal(nvme.transport, 'nvme');
  });

  it('reads the numbers and booleans of lsblk 2.38 recorded here', () => {
    const vda = drive(machine('vm-virtio-system-disk'), 'vda');
    assert.equal(vda.size, 274877906944);
    assert.equal(vda.kind, 'disk');
    assert.deepEqual(vda.mountpoints, ['/run/netns', '/']);
    const loop1 = drive(machine('vm-with-loop-devices'), 'loop1');
    assert.equal(loop1.kind, 'loop');
    assert.equal(loop1.readOnly, true);
  });

  it('reads the strings and single MOUNTPOINT of older lsblk', () => {
    const sdc = drive(machine('centos7-lvm-usb-reader-old-lsblk'), 'sdc');
    assert.equal(sdc.size, 31457280000);
    assert.equal(sdc.removable, true);
    assert.equal(sdc.path, '/dev/sdc');
    assert.deepEqual(sdc.mountpoints, ['/run/media/DA2E4172/MK-BUILD']);
  });

  it('rejects output without a blockdevices list', () => {
    assert.throws(() => parseLsblk({ nope: [] }), (e: unknown) => e instanceof DevicesError && e.code === 'PARSE_FAILED');
  });

  it('reads swap device paths from /proc/swaps, unescaping spaces', () => {
    const text = 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/dev/dm-2   partition\t16777212\t0\t-2\n/swap\\040file  file  1024 0 -3\n';
    assert.deepEqual(parseProcSwaps(text), ['/dev/dm-2', '/swap file']);
  });

  it('matches /proc/swaps entries by kernel name (dm-2) as well as by path', () => {
    const nvme = machine('laptop-luks-lvm-sd-slot', ['/dev/dm-2']);
    assert.equal(drive(nvme, 'nvme0n1').holdsSwap, true);
    assert.equal(drive(nvme, 'mmcblk0').holdsSwap, false);
  });
});

describe('drive labels', () => {
  it('removes control characters, bidi overrides and isolates, zero-width characters', () => {
    assert.equal(cleanLabel('San\u202eDisk\u2066 Ultra\u200b\x1b[31m\r\n'), 'San Disk Ultra [31m');
  });

  it('shortens very long labels', () => {
    const long = cleanLabel('x'.repeat(200));
    assert.equal(long.length, 64);
    assert.ok(long.endsWith('…'));
  });

  it('names model, decimal size, transport and path for a confirmation', () => {
    const sd = drive(machine('laptop-luks-lvm-sd-slot'), 'mmcblk0');
    assert.equal(describeDrive(sd), 'unnamed disk (31.9 GB, MMC) /dev/mmcblk0');
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1_000_204_886_016), '1.00 TB');
  });
});
