/**
 * Builds a PortListing from a sysfs scan (and, locally, SerialPort.list()'s entries): ports get
 * their by-id link, USB ids and the role their id implies; ST-Links become probes with their
 * console (VCP) attached and humility's index.
 */
import { posix } from 'node:path';
import type { PortListing, PortListingFallback, ProbeEntry, SerialPortEntry, UsbDeviceInfo } from './port-model';
import { humilityProbeOrder } from './probe-order';
import type { PortScan, ScannedUsb } from './sysfs-scan';
import { isProbeId, recogniseUsb, usbIdOf, type UsbRole } from './usb-ids';

/** What SerialPort.list() gives (serialport's PortInfo), with the fields we use. */
export interface ListedPort {
  readonly path: string;
  readonly manufacturer?: string | undefined;
  readonly serialNumber?: string | undefined;
  readonly pnpId?: string | undefined;
  readonly vendorId?: string | undefined;
  readonly productId?: string | undefined;
}

export interface AssembleOptions {
  readonly devRoot: string;
  readonly origin: string;
  /** SerialPort.list()'s ports; undefined when it failed or is not used (remote). */
  readonly listed?: readonly ListedPort[];
  readonly fallback?: PortListingFallback;
}

function usbInfo(usb: ScannedUsb): UsbDeviceInfo | undefined {
  const id = usbIdOf(usb.vendorId, usb.productId);
  if (id === undefined) return undefined;
  const info: { -readonly [K in keyof UsbDeviceInfo]: UsbDeviceInfo[K] } = { id, busPort: usb.name };
  if (usb.manufacturer !== undefined) info.manufacturer = usb.manufacturer;
  if (usb.product !== undefined) info.product = usb.product;
  if (usb.serial !== undefined) info.serialNumber = usb.serial;
  if (usb.busNum !== undefined) info.busNum = usb.busNum;
  if (usb.devNum !== undefined) info.devNum = usb.devNum;
  return info;
}

function rolesOf(usb: UsbDeviceInfo | undefined, ttyName: string): { roles: UsbRole[]; label?: string } {
  const kind = recogniseUsb(usb?.id, ttyName);
  if (kind === undefined) return { roles: [] };
  // A probe's tty is its virtual COM port: a console of a probe.
  return { roles: kind.role === 'probe' ? ['console', 'probe'] : [kind.role], label: kind.label };
}

function entry(path: string, byIdPath: string | undefined, usb: UsbDeviceInfo | undefined): SerialPortEntry {
  const { roles, label } = rolesOf(usb, posix.basename(path));
  return { path, roles, ...(byIdPath === undefined ? {} : { byIdPath }), ...(usb === undefined ? {} : { usb }), ...(label === undefined ? {} : { label }) };
}

function fromListed(listed: ListedPort, scannedUsb: UsbDeviceInfo | undefined): UsbDeviceInfo | undefined {
  const id = usbIdOf(listed.vendorId, listed.productId);
  if (id === undefined) return scannedUsb;
  // udev's values win for what it reports; sysfs adds the product name and bus-port path.
  const merged: { -readonly [K in keyof UsbDeviceInfo]: UsbDeviceInfo[K] } = { ...(scannedUsb ?? {}), id };
  if (listed.manufacturer !== undefined && listed.manufacturer !== '') merged.manufacturer = listed.manufacturer;
  if (listed.serialNumber !== undefined && listed.serialNumber !== '') merged.serialNumber = listed.serialNumber;
  return merged;
}

export function assemblePortListing(scan: PortScan, options: AssembleOptions): PortListing {
  const byDir = new Map(scan.usb.map((u) => [u.dir, u]));
  const byIdOfTty = new Map<string, string>();
  for (const [link, tty] of [...scan.byId].sort(([a], [b]) => a.localeCompare(b))) {
    if (!byIdOfTty.has(tty)) byIdOfTty.set(tty, posix.join(options.devRoot, 'serial/by-id', link));
  }
  const ttyUsb = new Map<string, UsbDeviceInfo | undefined>();
  const ttyDir = new Map<string, string>();
  for (const tty of scan.ttys) {
    const usb = tty.usbDir === undefined ? undefined : byDir.get(tty.usbDir);
    ttyUsb.set(tty.name, usb === undefined ? undefined : usbInfo(usb));
    if (tty.usbDir !== undefined) ttyDir.set(tty.name, tty.usbDir);
  }

  let ports: SerialPortEntry[];
  if (options.listed !== undefined) {
    ports = options.listed.map((listed) => {
      const name = posix.basename(listed.path);
      const pnpLink = listed.pnpId === undefined ? undefined : posix.join(options.devRoot, 'serial/by-id', listed.pnpId);
      return entry(listed.path, byIdOfTty.get(name) ?? pnpLink, fromListed(listed, ttyUsb.get(name)));
    });
  } else {
    ports = scan.ttys.map((tty) => entry(posix.join(options.devRoot, tty.name), byIdOfTty.get(tty.name), ttyUsb.get(tty.name)));
  }
  ports.sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));

  const probeDevices = humilityProbeOrder(
    scan.usb.filter((u) => isProbeId(usbIdOf(u.vendorId, u.productId))).map((u) => ({ ...u, sysfsPath: u.dir })),
  );
  const probes: ProbeEntry[] = [];
  probeDevices.forEach((device, index) => {
    const usb = usbInfo(device);
    if (usb === undefined) return;
    const consoleTty = [...ttyDir].find(([, dir]) => dir === device.dir)?.[0];
    probes.push({
      usb,
      label: recogniseUsb(usb.id)?.label ?? 'debug probe',
      humilityIndex: index,
      ...(consoleTty === undefined ? {} : { consolePath: posix.join(options.devRoot, consoleTty) }),
    });
  });
  // Shown in bus-port order (where it is plugged in); humilityIndex keeps humility's number.
  probes.sort((a, b) => (a.usb.busPort ?? '').localeCompare(b.usb.busPort ?? '', 'en', { numeric: true }));
  return { ports, probes, origin: options.origin, ...(options.fallback === undefined ? {} : { fallback: options.fallback }) };
}
