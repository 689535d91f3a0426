import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PortListing, ProbeEntry, SerialPortEntry } from '../../../../src/core/ports';
import { fallbackMessage, portItems } from '../../../../src/ui/ports/port-items';

const ftdi: SerialPortEntry = {
  path: '/dev/ttyUSB0',
  byIdPath: '/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0',
  usb: { id: '0403:6001', manufacturer: 'FTDI', product: 'FT232R USB UART', serialNumber: 'A50285BI', busPort: '1-1.2', busNum: 1, devNum: 5 },
  label: 'FTDI FT232R',
  roles: ['console'],
};
const vcp: SerialPortEntry = {
  path: '/dev/ttyACM0',
  usb: { id: '0483:374b', manufacturer: 'STMicroelectronics', serialNumber: '066DFF383032534E43132614', busPort: '1-1.4' },
  label: 'ST-Link V2-1',
  roles: ['console', 'probe'],
};
const builtIn: SerialPortEntry = { path: '/dev/ttyS0', roles: [] };
const stlink = (serial: string | undefined, busPort: string, index: number, consolePath?: string): ProbeEntry => ({
  usb: { id: '0483:374b', ...(serial === undefined ? {} : { serialNumber: serial }), busPort },
  label: 'ST-Link V2-1',
  humilityIndex: index,
  ...(consolePath === undefined ? {} : { consolePath }),
});

describe('portItems', () => {
  it('shows a port by its by-id name with VID:PID and maker, and copies the by-id path', () => {
    const [item] = portItems({ origin: 'local', ports: [ftdi], probes: [] });
    assert.ok(item);
    assert.equal(item.label, 'usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0');
    assert.equal(item.description, '0403:6001 · FTDI FT232R · /dev/ttyUSB0');
    assert.equal(item.contextValue, 'port.console');
    assert.equal(item.icon, 'plug');
    assert.equal(item.copyPath, ftdi.byIdPath);
    for (const part of ['/dev/ttyUSB0', 'A50285BI', 'FT232R USB UART', '1-1.2']) assert.ok(item.tooltip.includes(part), `${part} not in ${item.tooltip}`);
  });

  it("labels a port without a by-id link by its path; a probe's console is port.probe", () => {
    const items = portItems({ origin: 'local', ports: [vcp, builtIn], probes: [] });
    assert.deepEqual(
      items.map((i) => [i.label, i.contextValue, i.icon, i.copyPath]),
      [
        ['/dev/ttyACM0', 'port.probe', 'debug-console', '/dev/ttyACM0'],
        ['/dev/ttyS0', 'port.console', 'plug', '/dev/ttyS0'],
      ],
    );
    assert.equal(items[1]?.description, '');
    assert.match(items[1]?.tooltip ?? '', /not a USB device/);
  });

  it('lists probes after ports with their serial, the approximate humility index and HUMILITY_PROBE', () => {
    const probes = [stlink('066DFF383032534E43132614', '1-1.4', 1, '/dev/ttyACM0'), stlink(undefined, '1-1.3', 0)];
    const items = portItems({ origin: 'local', ports: [vcp], probes });
    assert.deepEqual(items.map((i) => i.kind), ['port', 'probe', 'probe']);
    const [, withSerial, without] = items;
    assert.equal(withSerial?.contextValue, 'probe');
    assert.equal(withSerial?.description, '0483:374b · serial 066DFF383032534E43132614 · usb-1 (approximate)');
    assert.match(withSerial?.tooltip ?? '', /HUMILITY_PROBE: 0483:374b:066DFF383032534E43132614/);
    assert.equal(withSerial?.copyPath, '/dev/ttyACM0');
    // Two probes and no serial: only the index can name it.
    assert.match(without?.tooltip ?? '', /HUMILITY_PROBE: usb-0/);
    assert.equal(without?.copyPath, undefined);
    assert.equal(new Set(items.map((i) => i.id)).size, items.length, 'ids are unique');
  });

  it('says why the listing came from sysfs, and that it is empty, in message rows', () => {
    const listing: PortListing = { origin: 'local', ports: [], probes: [], fallback: { reason: 'spawn udevadm ENOENT' } };
    const items = portItems(listing);
    assert.deepEqual(items.map((i) => [i.kind, i.label]), [
      ['message', 'udevadm not found: listed from /dev/serial/by-id and sysfs'],
      ['message', 'No serial ports or debug probes.'],
    ]);
    assert.equal(items[0]?.contextValue, undefined);
    assert.equal(fallbackMessage('EACCES: permission denied'), 'SerialPort.list() failed (EACCES: permission denied): listed from /dev/serial/by-id and sysfs');
  });

  it('gives no rows for an empty udev listing, so the view shows its welcome', () => {
    assert.deepEqual(portItems({ origin: 'local', ports: [], probes: [] }), []);
  });

  it("filters a device's listing to ports or probes and names the device when there are none", () => {
    const listing: PortListing = { origin: 'root@10.78.0.2', ports: [ftdi], probes: [] };
    assert.deepEqual(portItems(listing, { only: 'ports', sayWhenEmpty: true }).map((i) => i.kind), ['port']);
    assert.ok(portItems(listing, { only: 'ports' })[0]?.tooltip.includes('on root@10.78.0.2'));
    assert.deepEqual(portItems(listing, { only: 'probes', sayWhenEmpty: true }).map((i) => i.label), ['No debug probes on root@10.78.0.2.']);
  });
});
