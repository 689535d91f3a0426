import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assemblePortListing, humilityProbeOrder, parsePortScan, recogniseUsb, usbIdOf } from '../../../../src/core/ports';

const H = '/sys/devices/platform/soc/3f980000.usb/usb1';
// Recorded shape of the scan script's output on a Pi with an FTDI adapter, an ST-Link V3 (with
// VCP) and two ST-Link V2 probes.
const SCAN = [
  'link\tusb-FTDI_FT232R_USB_UART_A10KXYZ9-if00-port0\t../../ttyUSB0',
  'link\tusb-STMicroelectronics_STLINK-V3_0027003F3331510B33323639-if02\t../../ttyACM0',
  `tty\tttyUSB0\t${H}/1-1/1-1.2`,
  `tty\tttyACM0\t${H}/1-1/1-1.5`,
  `usb\t${H}\tusb1\t1d6b\t0002\t3f980000.usb\tLinux 6.1.21 dwc_otg_hcd\tDWC OTG Controller\t1\t1`,
  `usb\t${H}/1-1/1-1.2\t1-1.2\t0403\t6001\tA10KXYZ9\tFTDI\tFT232R USB UART\t1\t4`,
  `usb\t${H}/1-1/1-1.5\t1-1.5\t0483\t374e\t0027003F3331510B33323639\tSTMicroelectronics\tSTLINK-V3\t1\t7`,
  `usb\t${H}/1-1/1-1.3\t1-1.3\t0483\t3748\t55FF6B06\tSTMicroelectronics\tSTM32 STLink\t1\t5`,
  `usb\t${H}/1-1/1-1.4\t1-1.4\t0483\t3748\t\tSTMicroelectronics\tSTM32 STLink\t1\t6`,
  'garbage line',
  'usb\tshort',
  '',
].join('\n');

describe('port listing from a sysfs scan', () => {
  const listing = assemblePortListing(parsePortScan(SCAN), { devRoot: '/dev', origin: 'pi' });

  it('gives each tty its by-id link, USB ids and role', () => {
    assert.deepEqual(listing.ports.map((p) => [p.path, p.byIdPath, p.usb?.id, p.label, p.roles]), [
      ['/dev/ttyACM0', '/dev/serial/by-id/usb-STMicroelectronics_STLINK-V3_0027003F3331510B33323639-if02', '0483:374e', 'ST-Link V3', ['console', 'probe']],
      ['/dev/ttyUSB0', '/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A10KXYZ9-if00-port0', '0403:6001', 'FTDI FT232R', ['console']],
    ]);
  });

  it('lists the ST-Links as probes in port order, a missing serial left out, humility indices in reverse sysfs order', () => {
    assert.deepEqual(listing.probes.map((p) => [p.usb.busPort, p.usb.serialNumber, p.humilityIndex, p.consolePath]), [
      ['1-1.3', '55FF6B06', 2, undefined],
      ['1-1.4', undefined, 1, undefined],
      ['1-1.5', '0027003F3331510B33323639', 0, '/dev/ttyACM0'],
    ]);
    assert.equal(listing.origin, 'pi');
    assert.equal(listing.fallback, undefined);
  });

  it('orders by bytes as udev does (1-1.10 sorts before 1-1.2)', () => {
    const order = humilityProbeOrder([{ sysfsPath: `${H}/1-1/1-1.2` }, { sysfsPath: `${H}/1-1/1-1.10` }, { sysfsPath: `${H}/1-2` }]);
    assert.deepEqual(order.map((p) => p.sysfsPath.slice(H.length)), ['/1-2', '/1-1/1-1.2', '/1-1/1-1.10']);
  });
});

describe('USB ids', () => {
  it('recognises USB-UARTs as consoles and ST-Links as probes', () => {
    assert.equal(recogniseUsb(usbIdOf('0x10C4', 'EA60'))?.role, 'console');
    assert.equal(recogniseUsb(usbIdOf('1a86', '7523'))?.label, 'WCH CH340');
    assert.equal(recogniseUsb(usbIdOf('067b', '2303'))?.role, 'console');
    assert.deepEqual(recogniseUsb(usbIdOf('0483', '3752')), { label: 'ST-Link V2-1', role: 'probe', hasConsole: true });
    assert.equal(recogniseUsb(usbIdOf('0483', '3748'))?.hasConsole, undefined);
  });
  it('treats an unknown CDC-ACM tty as a console and rejects malformed ids', () => {
    assert.equal(recogniseUsb(usbIdOf('2e8a', '000a'), 'ttyACM3')?.label, 'USB CDC-ACM');
    assert.equal(recogniseUsb(usbIdOf('2e8a', '000a')), undefined);
    assert.equal(usbIdOf('xyz', '6001'), undefined);
    assert.equal(usbIdOf(undefined, '6001'), undefined);
  });
});
