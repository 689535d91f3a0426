import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SETTINGS, readSettings } from '../../../../src/core/settings';

describe('readSettings', () => {
  it('gives the defaults for missing values', () => {
    assert.deepEqual(readSettings(() => undefined), DEFAULT_SETTINGS);
  });

  it('turns bad values into defaults instead of failing', () => {
    const raw: Record<string, unknown> = {
      'nix.path': 42,
      'nix.environment': { NIX_CONFIG: 'x', 'BAD NAME': 'y', GONE: null, NUM: 3 },
      'flake.paths': ['a', 7, '', ' b '],
      'flake.maxDiscovered': 10_000,
      devices: [{ name: 'pi', host: 'pi.lan', port: 70000, user: '' }, { name: 'pi', host: 'dup' }, { host: 'no-name' }, 'junk'],
    };
    const settings = readSettings((key) => raw[key]);
    assert.equal(settings.nixPath, 'nix');
    assert.deepEqual(settings.nixEnvironment, { NIX_CONFIG: 'x', GONE: undefined });
    assert.deepEqual(settings.flakePaths, ['a', 'b']);
    assert.equal(settings.maxDiscoveredFlakes, 20);
    assert.deepEqual(settings.devices, [{ name: 'pi', host: 'pi.lan' }]);
  });
});

describe('serial settings', () => {
  it('default to 115200 8N1 and take per-device ports with `baud` or `baudRate`', () => {
    const raw: Record<string, unknown> = {
      'serial.defaults': { baudRate: 57600, parity: 'E' },
      devices: [
        { name: 'pi', host: 'pi.lan', serial: { port: '/dev/serial/by-id/usb-FTDI_FT232R-if00-port0', baud: 9600 } },
        { name: 'nuc', host: 'nuc.lan', serial: { port: '/dev/ttyUSB1', onDevice: true, dataBits: 7 } },
        { name: 'bad', host: 'bad.lan', serial: { baud: 115200 } },
      ],
    };
    assert.deepEqual(DEFAULT_SETTINGS.serialDefaults.baudRate, 115200);
    assert.equal(DEFAULT_SETTINGS.serialDefaults.parity, 'none');
    const settings = readSettings((key) => raw[key]);
    assert.equal(settings.serialDefaults.baudRate, 57600);
    const [pi, nuc, bad] = settings.devices;
    assert.equal(pi?.serial?.options.baudRate, 9600);
    assert.equal(pi?.serial?.options.parity, 'even', 'the fields a device leaves out come from serial.defaults');
    assert.equal(pi?.serial?.onDevice, false);
    assert.equal(nuc?.serial?.onDevice, true);
    assert.equal(nuc?.serial?.options.dataBits, 7);
    assert.equal(nuc?.serial?.options.baudRate, 57600);
    assert.equal(bad?.serial, undefined, 'a serial entry without a port is dropped');
  });
});
