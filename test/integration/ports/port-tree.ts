/**
 * A fake /dev and /sys laid out like a Linux machine's, recorded from the shapes udev and the
 * kernel make: an FTDI FT232R on ttyUSB0, an ST-Link V2-1 whose VCP is ttyACM0, and two
 * identical ST-Link V2 probes (same VID:PID, different serials) without a tty. Character
 * devices are plain files (the scan only tests that the node exists).
 */
import { mkdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FakeUsb {
  readonly path: string;
  readonly vid: string;
  readonly pid: string;
  readonly serial?: string;
  readonly manufacturer?: string;
  readonly product?: string;
  readonly busnum: number;
  readonly devnum: number;
}

export interface PortTree {
  readonly devRoot: string;
  readonly sysRoot: string;
  /** Adds a USB-UART on ttyUSB<n> at bus-port 1-3.<n>, with its by-id link. */
  plugUart(n: number, serial: string): void;
  unplugUart(n: number): void;
}

const HUB = 'devices/pci0000:00/0000:00:14.0/usb1';

export function buildPortTree(root: string): PortTree {
  const devRoot = join(root, 'dev');
  const sysRoot = join(root, 'sys');
  mkdirSync(join(devRoot, 'serial/by-id'), { recursive: true });
  mkdirSync(join(sysRoot, 'bus/usb/devices'), { recursive: true });
  mkdirSync(join(sysRoot, 'class/tty'), { recursive: true });

  const addUsb = (name: string, rel: string, usb: Omit<FakeUsb, 'path'>): string => {
    const dir = join(sysRoot, rel);
    mkdirSync(dir, { recursive: true });
    const attrs: Record<string, string | number | undefined> = {
      idVendor: usb.vid,
      idProduct: usb.pid,
      serial: usb.serial,
      manufacturer: usb.manufacturer,
      product: usb.product,
      busnum: usb.busnum,
      devnum: usb.devnum,
    };
    for (const [key, value] of Object.entries(attrs)) if (value !== undefined) writeFileSync(join(dir, key), `${String(value)}\n`);
    // /sys/bus/usb/devices entries are relative links into /sys/devices, as the kernel makes them.
    symlinkSync(join('../../..', rel), join(sysRoot, 'bus/usb/devices', name));
    return dir;
  };
  const addTty = (tty: string, deviceDir: string, iface: string, byId: string | undefined): void => {
    const node = join(deviceDir, iface, tty);
    mkdirSync(node, { recursive: true });
    mkdirSync(join(sysRoot, 'class/tty', tty), { recursive: true });
    symlinkSync(node, join(sysRoot, 'class/tty', tty, 'device'));
    writeFileSync(join(devRoot, tty), '');
    if (byId !== undefined) symlinkSync(`../../${tty}`, join(devRoot, 'serial/by-id', byId));
  };

  addUsb('usb1', HUB, { vid: '1d6b', pid: '0002', manufacturer: 'Linux 6.1.0 xhci-hcd', product: 'xHCI Host Controller', busnum: 1, devnum: 1 });
  addUsb('1-1', `${HUB}/1-1`, { vid: '05e3', pid: '0610', product: 'USB2.1 Hub', busnum: 1, devnum: 2 });
  // An interface folder in /sys/bus/usb/devices (no idVendor): the scan must skip it.
  mkdirSync(join(sysRoot, HUB, '1-1/1-1:1.0'), { recursive: true });
  symlinkSync(join('../../..', HUB, '1-1/1-1:1.0'), join(sysRoot, 'bus/usb/devices', '1-1:1.0'));
  const ftdi = addUsb('1-1.2', `${HUB}/1-1/1-1.2`, { vid: '0403', pid: '6001', serial: 'A10KXYZ9', manufacturer: 'FTDI', product: 'FT232R USB UART', busnum: 1, devnum: 5 });
  addTty('ttyUSB0', ftdi, '1-1.2:1.0', 'usb-FTDI_FT232R_USB_UART_A10KXYZ9-if00-port0');
  const vcp = addUsb('1-1.3', `${HUB}/1-1/1-1.3`, { vid: '0483', pid: '374b', serial: '066DFF383032534E43132614', manufacturer: 'STMicroelectronics', product: 'STM32 STLink', busnum: 1, devnum: 6 });
  addTty('ttyACM0', vcp, '1-1.3:1.2/tty', 'usb-STMicroelectronics_STM32_STLink_066DFF383032534E43132614-if02');
  addUsb('1-1.4', `${HUB}/1-1/1-1.4`, { vid: '0483', pid: '3748', serial: '55FF6B064965545148401887', manufacturer: 'STMicroelectronics', product: 'STM32 STLink', busnum: 1, devnum: 7 });
  addUsb('1-2', `${HUB}/1-2`, { vid: '0483', pid: '3748', serial: '55FF6E064965545132451087', manufacturer: 'STMicroelectronics', product: 'STM32 STLink', busnum: 1, devnum: 3 });

  const plugged = new Map<number, string>();
  return {
    devRoot,
    sysRoot,
    plugUart(n, serial) {
      plugged.set(n, serial);
      const name = `1-3.${String(n)}`;
      const dir = addUsb(name, `${HUB}/1-3/${name}`, { vid: '10c4', pid: 'ea60', serial, manufacturer: 'Silicon Labs', product: 'CP2102 USB to UART Bridge Controller', busnum: 1, devnum: 20 + n });
      addTty(`ttyUSB${String(n)}`, dir, `${name}:1.0`, `usb-Silicon_Labs_CP2102_${serial}-if00-port0`);
    },
    unplugUart(n) {
      const name = `1-3.${String(n)}`;
      rmSync(join(devRoot, `ttyUSB${String(n)}`), { force: true });
      for (const link of [join(sysRoot, 'bus/usb/devices', name), join(sysRoot, 'class/tty', `ttyUSB${String(n)}`, 'device')]) unlinkSync(link);
      rmSync(join(sysRoot, 'class/tty', `ttyUSB${String(n)}`), { recursive: true, force: true });
      rmSync(join(sysRoot, HUB, '1-3', name), { recursive: true, force: true });
      const serial = plugged.get(n);
      if (serial !== undefined) rmSync(join(devRoot, 'serial/by-id', `usb-Silicon_Labs_CP2102_${serial}-if00-port0`), { force: true });
      plugged.delete(n);
    },
  };
}
