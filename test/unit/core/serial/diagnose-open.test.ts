/**
 * Open-failure diagnoses against fixture /proc, /sys and /etc/group trees: the "device" is a
 * plain file and each fixture process's fd is a link to it, so the inode scan is the real code.
 */
import assert from 'node:assert/strict';
import { chownSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { classifyOpenError, diagnoseOpenFailure, SerialPortRegistry, type SystemView } from '../../../../src/core/serial';
import { makeTempDir } from '../../../harness/temp-dir';

const DIALOUT_GID = 20;

function fixture(root: string, options: { readonly holders?: readonly { pid: number; cmdline: string }[]; readonly lockPid?: number; readonly members?: string } = {}): { view: SystemView; device: string } {
  const dev = join(root, 'dev');
  mkdirSync(dev, { recursive: true });
  const device = join(dev, 'ttyACM0');
  writeFileSync(device, '');
  chownSync(device, 0, DIALOUT_GID);
  const proc = join(root, 'proc');
  mkdirSync(join(proc, '1', 'fd'), { recursive: true });
  writeFileSync(join(proc, '1', 'cmdline'), '/sbin/init\0');
  symlinkSync('/dev/null', join(proc, '1', 'fd', '0'));
  for (const holder of options.holders ?? []) {
    mkdirSync(join(proc, String(holder.pid), 'fd'), { recursive: true });
    writeFileSync(join(proc, String(holder.pid), 'cmdline'), `${holder.cmdline.split(' ').join('\0')}\0`);
    symlinkSync('/dev/null', join(proc, String(holder.pid), 'fd', '0'));
    symlinkSync(device, join(proc, String(holder.pid), 'fd', '7'));
  }
  const usb = join(root, 'sys', 'devices', 'usb1', '1-1');
  mkdirSync(join(usb, '1-1:1.2'), { recursive: true });
  writeFileSync(join(usb, 'idVendor'), '0483\n');
  writeFileSync(join(usb, 'idProduct'), '374b\n');
  mkdirSync(join(root, 'sys', 'class', 'tty', 'ttyACM0'), { recursive: true });
  symlinkSync(join(usb, '1-1:1.2'), join(root, 'sys', 'class', 'tty', 'ttyACM0', 'device'));
  const lock = join(root, 'lock');
  mkdirSync(lock, { recursive: true });
  if (options.lockPid !== undefined) {
    mkdirSync(join(proc, String(options.lockPid)), { recursive: true });
    writeFileSync(join(proc, String(options.lockPid), 'cmdline'), 'minicom\0-D\0/dev/ttyACM0\0');
    writeFileSync(join(lock, 'LCK..ttyACM0'), `${String(options.lockPid).padStart(10)}\n`);
  }
  writeFileSync(join(root, 'group'), `root:x:0:\ndialout:x:${String(DIALOUT_GID)}:${options.members ?? ''}\nalice:x:1000:\n`);
  return { device, view: { procRoot: proc, sysRoot: join(root, 'sys'), groupFile: join(root, 'group'), lockDirs: [lock], ownPid: 1, userName: 'alice', processGroups: [1000] } };
}

describe('open failure diagnosis', () => {
  const dir = makeTempDir('serial-diagnose');
  after(() => dir.remove());
  let n = 0;
  const root = (): string => join(dir.path, String(n++));

  it('reads the errno from serialport binding messages', () => {
    assert.equal(classifyOpenError(new Error('Error: Permission denied, cannot open /dev/ttyUSB0')), 'EACCES');
    assert.equal(classifyOpenError(new Error('Error Resource temporarily unavailable Cannot lock port')), 'BUSY');
    assert.equal(classifyOpenError(new Error('Error: Device or resource busy, cannot open /dev/ttyACM0')), 'BUSY');
    assert.equal(classifyOpenError(Object.assign(new Error('x'), { code: 'ENOENT' })), 'ENOENT');
    assert.equal(classifyOpenError(new Error('Error: Input/output error, cannot open /dev/ttyS0')), 'OTHER');
  });

  it('EACCES: names the group the user is not in and the NixOS extraGroups fix', async () => {
    const { view, device } = fixture(root());
    const diagnosis = await diagnoseOpenFailure(device, new Error(`Error: Permission denied, cannot open ${device}`), { view });
    assert.equal(diagnosis.kind, 'permission');
    assert.equal(diagnosis.error.code, 'PERMISSION_DENIED');
    assert.match(diagnosis.error.message, /group dialout and you \(alice\) are not in it/);
    assert.match(diagnosis.error.message, /users\.users\.alice\.extraGroups = \[ "dialout" \];/);
  });

  it('EACCES after being added to the group: says to log in again', async () => {
    const { view, device } = fixture(root(), { members: 'bob,alice' });
    const diagnosis = await diagnoseOpenFailure(device, new Error('Error: Permission denied, cannot open x'), { view });
    assert.match(diagnosis.error.message, /added to the group dialout after this session started\. Log out and in again/);
  });

  it('ModemManager holding a ttyACM: the udev ID_MM_DEVICE_IGNORE rule for its VID:PID', async () => {
    const { view, device } = fixture(root(), { holders: [{ pid: 812, cmdline: '/usr/sbin/ModemManager --debug' }] });
    const diagnosis = await diagnoseOpenFailure(device, new Error('Error: Device or resource busy, cannot open x'), { view });
    assert.equal(diagnosis.kind, 'modem-manager');
    assert.equal(diagnosis.error.code, 'PORT_IN_USE');
    assert.match(diagnosis.error.message, /held by ModemManager \(pid 812\)/);
    assert.match(diagnosis.error.message, /ATTRS\{idVendor\}=="0483", ATTRS\{idProduct\}=="374b", ENV\{ID_MM_DEVICE_IGNORE\}="1"/);
  });

  it('a locked port: the holding process by its open fd, with its command line', async () => {
    const { view, device } = fixture(root(), { holders: [{ pid: 4242, cmdline: 'picocom -b 115200 /dev/ttyACM0' }] });
    const diagnosis = await diagnoseOpenFailure(device, new Error('Error Resource temporarily unavailable Cannot lock port'), { view });
    assert.equal(diagnosis.kind, 'held');
    assert.deepEqual(diagnosis.holders, [{ pid: 4242, command: 'picocom -b 115200 /dev/ttyACM0', via: 'fd' }]);
    assert.match(diagnosis.error.message, /in use by pid 4242 \(picocom -b 115200 \/dev\/ttyACM0\)/);
  });

  it('a UUCP lock file names its process', async () => {
    const { view, device } = fixture(root(), { lockPid: 777 });
    const diagnosis = await diagnoseOpenFailure(device, new Error('Error: Device or resource busy, cannot open x'), { view });
    assert.deepEqual(diagnosis.holders, [{ pid: 777, command: 'minicom -D /dev/ttyACM0', via: 'lock-file' }]);
    assert.match(diagnosis.error.message, /pid 777 \(minicom -D \/dev\/ttyACM0\) by its lock file/);
  });

  it('busy with no visible holder: says so and suggests ModemManager for a ttyACM', async () => {
    const { view, device } = fixture(root());
    const diagnosis = await diagnoseOpenFailure(device, new Error('Error: Device or resource busy, cannot open x'), { view });
    assert.equal(diagnosis.holders.length, 0);
    assert.match(diagnosis.error.message, /held by a process we cannot see\..*ModemManager/);
  });

  it('a port held by another of our sessions reports that session', async () => {
    const { view, device } = fixture(root(), { holders: [{ pid: 99, cmdline: 'node' }] });
    const registry = new SerialPortRegistry();
    const claim = await registry.claim(device, "the serial console 'vulpix'");
    const diagnosis = await diagnoseOpenFailure(device, new Error('Error Resource temporarily unavailable Cannot lock port'), { view, registry });
    assert.match(diagnosis.error.message, /already open in the serial console 'vulpix'/);
    claim.dispose();
    assert.equal(await registry.holderOf(device), undefined);
  });
});
