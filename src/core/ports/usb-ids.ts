/**
 * USB ids NixOS Devices recognises (../shared/DESIGN.md): USB-UARTs are serial consoles, ST-Links
 * are debug probes for humility. An ST-Link V2-1 or V3 also exposes a CDC-ACM virtual COM port
 * (VCP), so one USB device can be both a probe and a console.
 */

export type UsbRole = 'console' | 'probe';

export interface UsbKind {
  /** What the adapter is, for labels: "FTDI FT232R", "ST-Link V2-1". */
  readonly label: string;
  readonly role: UsbRole;
  /** ST-Link generations with a virtual COM port: their ttyACM is a console too. */
  readonly hasConsole?: boolean;
}

/** `vid:pid` in lower-case hex, 4 digits each. */
export type UsbId = `${string}:${string}`;

const KINDS: Readonly<Record<string, UsbKind>> = {
  '0403:6001': { label: 'FTDI FT232R', role: 'console' },
  '0403:6010': { label: 'FTDI FT2232', role: 'console' },
  '0403:6011': { label: 'FTDI FT4232H', role: 'console' },
  '0403:6014': { label: 'FTDI FT232H', role: 'console' },
  '0403:6015': { label: 'FTDI FT-X', role: 'console' },
  '10c4:ea60': { label: 'Silicon Labs CP210x', role: 'console' },
  '1a86:7523': { label: 'WCH CH340', role: 'console' },
  '067b:2303': { label: 'Prolific PL2303', role: 'console' },
  '0483:3748': { label: 'ST-Link V2', role: 'probe' },
  '0483:374b': { label: 'ST-Link V2-1', role: 'probe', hasConsole: true },
  '0483:374a': { label: 'ST-Link V2-1', role: 'probe', hasConsole: true },
  '0483:3742': { label: 'ST-Link V2-1', role: 'probe', hasConsole: true },
  '0483:3752': { label: 'ST-Link V2-1', role: 'probe', hasConsole: true },
  '0483:374e': { label: 'ST-Link V3', role: 'probe', hasConsole: true },
  '0483:374f': { label: 'ST-Link V3', role: 'probe', hasConsole: true },
  '0483:3753': { label: 'ST-Link V3', role: 'probe', hasConsole: true },
  '0483:3754': { label: 'ST-Link V3', role: 'probe', hasConsole: true },
};

/** Normalises "0x0403", "403", "0403" to "0403"; undefined for anything that is not hex. */
export function normaliseUsbHex(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const hex = value.trim().toLowerCase().replace(/^0x/, '');
  return /^[0-9a-f]{1,4}$/.test(hex) ? hex.padStart(4, '0') : undefined;
}

export function usbIdOf(vendorId: string | undefined, productId: string | undefined): UsbId | undefined {
  const vid = normaliseUsbHex(vendorId);
  const pid = normaliseUsbHex(productId);
  return vid === undefined || pid === undefined ? undefined : `${vid}:${pid}`;
}

/** What a USB id is, when we know it. A tty on an unknown USB device driven by cdc_acm is
 * still a console (a CDC-ACM UART); the caller passes `ttyName` to say so. */
export function recogniseUsb(id: UsbId | undefined, ttyName?: string): UsbKind | undefined {
  const known = id === undefined ? undefined : KINDS[id];
  if (known !== undefined) return known;
  if (ttyName !== undefined && /^ttyACM\d+$/.test(ttyName)) return { label: 'USB CDC-ACM', role: 'console' };
  if (ttyName !== undefined && /^ttyUSB\d+$/.test(ttyName)) return { label: 'USB serial adapter', role: 'console' };
  return undefined;
}

export function isProbeId(id: UsbId | undefined): boolean {
  return id !== undefined && KINDS[id]?.role === 'probe';
}
