/**
 * What a port listing holds: serial ports (consoles and others) and debug probes, as plain data
 * for the Ports view, the CLI's `--json` and humility's probe choice.
 */
import type { UsbId, UsbRole } from './usb-ids';

export interface UsbDeviceInfo {
  /** `vid:pid`, lower-case hex. */
  readonly id: UsbId;
  readonly manufacturer?: string;
  readonly product?: string;
  readonly serialNumber?: string;
  /** The kernel's name for the device: bus-port path, e.g. `1-1.2`. */
  readonly busPort?: string;
  readonly busNum?: number;
  readonly devNum?: number;
}

export interface SerialPortEntry {
  /** /dev/ttyUSB0 (on the machine the listing is from). */
  readonly path: string;
  /** The stable link under /dev/serial/by-id, full path, when udev made one. */
  readonly byIdPath?: string;
  readonly usb?: UsbDeviceInfo;
  /** What the adapter is ("FTDI FT232R"), when recognised. */
  readonly label?: string;
  /** console: a USB-UART; probe-console: the virtual COM port of a debug probe (ST-Link V2-1/V3);
   * other: a port we do not recognise (a built-in ttyS0). */
  readonly roles: readonly UsbRole[];
}

export interface ProbeEntry {
  readonly usb: UsbDeviceInfo;
  /** "ST-Link V2-1". */
  readonly label: string;
  /** The probe's own console (VCP), when it has one and the tty is present. */
  readonly consolePath?: string;
  /** humility's `usb-N` for this probe (see probe-order.ts for how N is derived). */
  readonly humilityIndex: number;
}

export interface PortListingFallback {
  /** Why SerialPort.list() was not used (e.g. `spawn udevadm ENOENT`). */
  readonly reason: string;
}

export interface PortListing {
  readonly ports: readonly SerialPortEntry[];
  readonly probes: readonly ProbeEntry[];
  /** Set when ports came from /dev/serial/by-id and sysfs instead of SerialPort.list(). */
  readonly fallback?: PortListingFallback;
  /** The machine the listing is from: `local` or the SSH target. */
  readonly origin: string;
}
