import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessDrive, type DriveAssessment } from '../../../../src/core/flash';
import { drive, machine } from './fixtures';

function codes(a: DriveAssessment): string[] {
  return a.problems.map((p) => p.code);
}

describe('drive policy over recorded machines', () => {
  it('offers the USB stick of a Raspberry Pi but never the SD card it booted from, nor zram swap', () => {
    const pi = machine('raspberry-pi-sd-system-usb-stick');
    const stick = assessDrive(drive(pi, 'sda'), { imageSize: 4e9 });
    assert.equal(stick.allowed, true);
    assert.deepEqual(stick.mounted, ['/media/usb0', '/media/iiab-admin/2E9B-4A60']);
    const card = assessDrive(drive(pi, 'mmcblk0'));
    assert.deepEqual(codes(card), ['DRIVE_IS_SYSTEM']);
    assert.match(card.problems[0]?.message ?? '', /\/boot\/firmware, \//);
    assert.ok(codes(assessDrive(drive(pi, 'zram0'), { allowNonRemovable: true })).includes('DRIVE_IS_SYSTEM'));
  });

  it('offers the laptop SD slot and refuses the NVMe whose root is on LVM inside LUKS', () => {
    const laptop = machine('laptop-luks-lvm-sd-slot');
    const sd = assessDrive(drive(laptop, 'mmcblk0'), { imageSize: 3e9 });
    assert.equal(sd.allowed, true);
    assert.equal(sd.mounted.length, 2);
    const nvme = assessDrive(drive(laptop, 'nvme0n1'), { allowNonRemovable: true });
    assert.equal(codes(nvme)[0], 'DRIVE_IS_SYSTEM');
    assert.match(nvme.problems[0]?.message ?? '', /\/boot.*\/nix\/store.*\/home.*swap/);
  });

  it('finds the RAID1 root under both member disks and refuses each', () => {
    const desktop = machine('desktop-raid1-sata-usb-reader');
    for (const name of ['sda', 'sdb']) assert.equal(codes(assessDrive(drive(desktop, name)))[0], 'DRIVE_IS_SYSTEM', name);
  });

  it('refuses an internal hot-swap SATA disk that holds no system mount, even with non-removable targets allowed', () => {
    const desktop = machine('desktop-raid1-sata-usb-reader');
    const data = drive(desktop, 'sdc');
    assert.equal(data.hotplug, true);
    assert.deepEqual(codes(assessDrive(data, { allowNonRemovable: true })), ['DRIVE_NOT_ALLOWED']);
  });

  it('offers the USB card reader and a USB SSD, asking twice for the 1 TB SSD only', () => {
    const desktop = machine('desktop-raid1-sata-usb-reader');
    const reader = assessDrive(drive(desktop, 'sdd'), { imageSize: 3e9 });
    assert.equal(reader.allowed, true);
    assert.equal(reader.needsSecondConfirmation, false);
    const ssd = assessDrive(drive(desktop, 'sde'), { imageSize: 3e9 });
    assert.equal(ssd.allowed, true);
    assert.equal(ssd.needsSecondConfirmation, true);
    assert.match(ssd.warnings.join(' '), /larger than 128/);
  });

  it('refuses a card smaller than the image before anything else happens', () => {
    const desktop = machine('desktop-raid1-sata-usb-reader');
    assert.deepEqual(codes(assessDrive(drive(desktop, 'sdd'), { imageSize: 70e9 })), ['DRIVE_TOO_SMALL']);
  });

  it('only warns about the size when the image size is an estimate', () => {
    const desktop = machine('desktop-raid1-sata-usb-reader');
    const a = assessDrive(drive(desktop, 'sdd'), { imageSize: 70e9, imageSizeEstimated: true });
    assert.equal(a.allowed, true);
    assert.match(a.warnings.join(' '), /estimated/);
  });

  it('refuses a write-protected card', () => {
    const m = machine('laptop-read-only-card-hostile-label');
    const a = assessDrive(drive(m, 'sdb'));
    assert.deepEqual(codes(a), ['DRIVE_NOT_ALLOWED']);
    assert.match(a.problems[0]?.message ?? '', /read-only/);
  });

  it('shows a hostile model string without escapes or bidi overrides', () => {
    const m = machine('laptop-read-only-card-hostile-label');
    const model = drive(m, 'sdc').model ?? '';
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    assert.doesNotMatch(model, /[\u0000-\u001f\u202e]/);
    assert.equal(model, 'Evil BDS [2Jtotally /dev/sda');
  });

  it('refuses loop devices unless non-removable targets are allowed, and never a read-only or mounted-system loop', () => {
    const vm = machine('vm-with-loop-devices');
    assert.deepEqual(codes(assessDrive(drive(vm, 'loop2'))), ['DRIVE_NOT_ALLOWED']);
    assert.equal(assessDrive(drive(vm, 'loop2'), { allowNonRemovable: true }).allowed, true);
    assert.deepEqual(codes(assessDrive(drive(vm, 'loop1'), { allowNonRemovable: true })), ['DRIVE_NOT_ALLOWED']);
    const mounted = assessDrive(drive(vm, 'loop0'), { allowNonRemovable: true });
    assert.equal(mounted.allowed, true);
    assert.equal(mounted.mounted.length, 1);
    assert.equal(codes(assessDrive(drive(vm, 'vda'), { allowNonRemovable: true }))[0], 'DRIVE_IS_SYSTEM');
  });

  it('refuses the snap loop devices and both NVMe disks of a cloud VM', () => {
    const vm = machine('cloud-vm-nvme-snap-loops');
    assert.equal(codes(assessDrive(drive(vm, 'nvme0n1'), { allowNonRemovable: true }))[0], 'DRIVE_IS_SYSTEM');
    assert.deepEqual(codes(assessDrive(drive(vm, 'nvme1n1'), { allowNonRemovable: true })), ['DRIVE_NOT_ALLOWED']);
    assert.deepEqual(codes(assessDrive(drive(vm, 'loop0'), { allowNonRemovable: true })), ['DRIVE_NOT_ALLOWED']);
  });

  it('reads the old lsblk shape: refuses the LVM system disk, offers the mounted USB key, refuses the empty reader', () => {
    const centos = machine('centos7-lvm-usb-reader-old-lsblk');
    assert.equal(codes(assessDrive(drive(centos, 'sda')))[0], 'DRIVE_IS_SYSTEM');
    const key = assessDrive(drive(centos, 'sdc'), { imageSize: 2e9 });
    assert.equal(key.allowed, true);
    assert.deepEqual(key.mounted, ['/run/media/DA2E4172/MK-BUILD']);
    assert.deepEqual(codes(assessDrive(drive(centos, 'sdb'), { imageSize: 2e9 })), ['DRIVE_TOO_SMALL']);
  });

  it('refuses a disk whose swap partition is active according to /proc/swaps even when lsblk shows no [SWAP]', () => {
    const m = machine('vm-with-loop-devices', ['/dev/loop2']);
    assert.equal(codes(assessDrive(drive(m, 'loop2'), { allowNonRemovable: true }))[0], 'DRIVE_IS_SYSTEM');
  });

  it('refuses a partition and names the whole disk to choose instead', () => {
    const partition = { ...drive(machine('raspberry-pi-sd-system-usb-stick'), 'sda'), kind: 'partition' as const, path: '/dev/sda1', mountpoints: [] };
    const a = assessDrive(partition);
    assert.deepEqual(codes(a), ['DRIVE_NOT_ALLOWED']);
    assert.match(a.problems[0]?.message ?? '', /partition; choose the whole disk/);
  });

  it('admits a plain file only with non-removable targets allowed, whatever its size', () => {
    const file = { ...drive(machine('vm-with-loop-devices'), 'loop2'), kind: 'file' as const, path: '/tmp/x.img', size: 0 };
    assert.deepEqual(codes(assessDrive(file, { imageSize: 1e9 })), ['DRIVE_NOT_ALLOWED']);
    assert.equal(assessDrive(file, { imageSize: 1e9, allowNonRemovable: true }).allowed, true);
  });
});
