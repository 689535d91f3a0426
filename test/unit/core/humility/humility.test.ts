import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  HUMILITY_SUBCOMMANDS,
  humilityEnv,
  humilityMissingError,
  humilityProbeValue,
  normaliseHumilitySettings,
  parseUsbHolders,
  probeChoices,
  translateHumilityFailure,
  udevRuleFor,
  usbDevicePath,
} from '../../../../src/core/humility';
import type { PackageOutput } from '../../../../src/core/nix';
import type { ProbeEntry } from '../../../../src/core/ports';

const probe = (busPort: string, serial: string | undefined, index: number): ProbeEntry => ({
  usb: { id: '0483:3748', busPort, busNum: 1, devNum: 5, ...(serial === undefined ? {} : { serialNumber: serial }) },
  label: 'ST-Link V2',
  humilityIndex: index,
});

describe('humility settings', () => {
  it('keeps valid values, trims, and drops bad ones without throwing', () => {
    assert.deepEqual(normaliseHumilitySettings({ archive: ' /a.zip ', probe: '0483:374b:066DFF', environment: '', target: 7, command: '/bin/h', other: 1 }), { archive: '/a.zip', probe: '0483:374b:066DFF', command: '/bin/h' });
    for (const good of ['usb', 'usb-3', 'auto', 'ocd', '0483:374e']) assert.equal(normaliseHumilitySettings({ probe: good }).probe, good);
    for (const bad of ['usb-', 'usb-x', '0483', '0483:374e:a:b', 'st link']) assert.equal(normaliseHumilitySettings({ probe: bad }).probe, undefined, bad);
    assert.deepEqual(normaliseHumilitySettings(null), {});
    assert.deepEqual(normaliseHumilitySettings('x'), {});
  });
  it('maps settings to HUMILITY_* variables, the archive overridable by a board copy', () => {
    const settings = { archive: '/a.zip', probe: 'usb-1', environment: '/e.json', target: 'nucleo' };
    assert.deepEqual(humilityEnv(settings), { HUMILITY_ARCHIVE: '/a.zip', HUMILITY_PROBE: 'usb-1', HUMILITY_ENVIRONMENT: '/e.json', HUMILITY_TARGET: 'nucleo' });
    assert.equal(humilityEnv(settings, '/root/.cache/x.zip')['HUMILITY_ARCHIVE'], '/root/.cache/x.zip');
  });
});

describe('probe choice', () => {
  it('selects identical ST-Links by vid:pid:serial, a lone probe by usb, an unreadable serial by usb-N', () => {
    const a = probe('1-1.4', '55FF6B06', 1);
    const b = probe('1-2', '55FF6E06', 0);
    assert.deepEqual(probeChoices([a, b]).map((c) => c.value), ['0483:3748:55FF6B06', '0483:3748:55FF6E06']);
    const noSerial = probe('1-1.4', undefined, 1);
    assert.equal(humilityProbeValue(noSerial, [noSerial]), 'usb');
    assert.equal(humilityProbeValue(noSerial, [noSerial, b]), 'usb-1');
    assert.match(probeChoices([a])[0]?.description ?? '', /0483:3748, port 1-1.4/);
  });
});

describe('humility failures', () => {
  it('turns the serial-number permission message into the udev rule for the probe, with the NixOS form', () => {
    const stderr = 'humility probe failed: Could not find probe 0483:3748:55FF6B06.\n\nBecause a serial number is present, this may be due to not running humility with permission to read USB device serial numbers; if not root already, run again as root?\n';
    const error = translateHumilityFailure({ where: 'pi', stderr, exitCode: 1, probe: probe('1-1.4', '55FF6B06', 0) });
    assert.equal(error?.code, 'PERMISSION_DENIED');
    assert.equal(udevRuleFor('0483:3748'), 'SUBSYSTEM=="usb", ATTR{idVendor}=="0483", ATTR{idProduct}=="3748", MODE="0660", GROUP="plugdev", TAG+="uaccess"');
    assert.ok(error?.message.includes(udevRuleFor('0483:3748')));
    assert.match(error?.message ?? '', /services\.udev\.extraRules = ''\n {4}SUBSYSTEM=="usb", ATTR\{idVendor\}=="0483"/);
    assert.match(error?.message ?? '', /on pi/);
  });
  it('names the processes holding the probe when the USB link is in use', () => {
    const stderr = 'humility tasks failed: USB link in use; is OpenOCD or another debugger running?\n';
    const error = translateHumilityFailure({ where: 'this machine', stderr, exitCode: 1, probe: probe('1-2', 'S1', 0), holders: parseUsbHolders('4242\topenocd -f interface/stlink.cfg \nbad\n') });
    assert.equal(error?.code, 'PORT_IN_USE');
    assert.match(error?.message ?? '', /serial S1\) on this machine is in use by process 4242 \(openocd -f interface\/stlink\.cfg\)/);
    assert.equal(usbDevicePath(1, 5), '/dev/bus/usb/001/005');
  });
  it('asks for a probe choice when several are attached; leaves unknown failures alone', () => {
    const several = translateHumilityFailure({ where: 'pi', exitCode: 1, stderr: 'humility probe failed: multiple USB probes detected; must explicitly append index (e.g., "-p usb-0")' });
    assert.equal(several?.actions[0]?.command, 'nixosDevices.chooseHumilityProbe');
    assert.equal(translateHumilityFailure({ where: 'pi', exitCode: 1, stderr: 'humility tasks failed: archive mismatch' }), undefined);
  });
  it('says which flake package humility comes from when it is missing, the board build first', () => {
    const pkgs: PackageOutput[] = [
      { system: 'x86_64-linux', name: 'humility', attrPath: 'packages.x86_64-linux.humility', isCross: false, hostSystem: 'x86_64-linux' },
      { system: 'x86_64-linux', name: 'humility-cross-armv7l-linux', attrPath: 'packages.x86_64-linux.humility-cross-armv7l-linux', isCross: true, hostSystem: 'armv7l-linux' },
      { system: 'x86_64-linux', name: 'hello', attrPath: 'packages.x86_64-linux.hello', isCross: false },
    ];
    const error = humilityMissingError({ where: 'vulpix', program: 'humility', packages: pkgs, system: 'armv7l-linux' });
    assert.equal(error.code, 'NOT_FOUND');
    assert.match(error.message, /not installed on vulpix\. It comes from the flake's humility-cross-armv7l-linux package/);
    assert.deepEqual(error.actions, [{ title: 'Build humility-cross-armv7l-linux', command: 'nixosDevices.buildHumility', args: ['packages.x86_64-linux.humility-cross-armv7l-linux'] }]);
    assert.match(humilityMissingError({ where: 'x', program: 'humility', packages: [] }).message, /no package whose name starts with humility/);
  });
  it('catalogues the common subcommands', () => {
    assert.deepEqual(HUMILITY_SUBCOMMANDS.map((c) => c.name), ['probe', 'tasks', 'ringbuf', 'manifest', 'map', 'readvar', 'counters', 'dump', 'reset', 'flash']);
    assert.equal(HUMILITY_SUBCOMMANDS.find((c) => c.name === 'manifest')?.needsProbe, false);
  });
});
