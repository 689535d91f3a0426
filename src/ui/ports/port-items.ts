/**
 * What the Ports view (and a device's Ports and Probe nodes in the Devices view) shows for a
 * PortListing: one row per serial port and per debug probe, and message rows that say why a
 * listing is partial. Plain data, free of `vscode`, so unit tests can check it; the views turn
 * each row into a TreeItem unchanged.
 */
import { basename } from 'node:path';
import { humilityProbeValue } from '../../core/humility';
import type { PortListing, ProbeEntry, SerialPortEntry } from '../../core/ports';

/** port.console: a USB-UART or other serial port; port.probe: a debug probe's own console (VCP);
 * probe: a debug probe (humility runs with it). */
export type PortItemContext = 'port.console' | 'port.probe' | 'probe';

export interface PortItem {
  /** Unique in a tree: origin and path (or USB bus-port). */
  readonly id: string;
  readonly kind: 'port' | 'probe' | 'message';
  readonly label: string;
  readonly description: string;
  readonly tooltip: string;
  /** A codicon name. */
  readonly icon: string;
  readonly contextValue?: PortItemContext;
  /** What Copy Path copies: the stable by-id link when there is one. */
  readonly copyPath?: string;
  readonly port?: SerialPortEntry;
  readonly probe?: ProbeEntry;
  /** The listing's machine: `local` or the SSH target. */
  readonly origin: string;
}

/** Why the listing came from sysfs, in words: `spawn udevadm ENOENT` → "udevadm not found". */
export function fallbackMessage(reason: string): string {
  const why = /udevadm/.test(reason) && /ENOENT|not found/i.test(reason) ? 'udevadm not found' : `SerialPort.list() failed (${reason})`;
  return `${why}: listed from /dev/serial/by-id and sysfs`;
}

function maker(port: SerialPortEntry): string | undefined {
  return port.label ?? port.usb?.manufacturer;
}

export function portItem(port: SerialPortEntry, origin: string): PortItem {
  const isProbeConsole = port.roles.includes('probe');
  const usb = port.usb;
  const label = port.byIdPath === undefined ? port.path : basename(port.byIdPath);
  const description = [usb?.id, maker(port), port.byIdPath === undefined ? undefined : port.path].filter((p) => p !== undefined).join(' · ');
  const tooltip = [
    port.path,
    port.byIdPath,
    usb === undefined ? 'not a USB device' : `USB ${usb.id}${usb.busPort === undefined ? '' : ` at port ${usb.busPort}`}`,
    port.label,
    usb?.manufacturer === undefined ? undefined : `maker: ${usb.manufacturer}`,
    usb?.product === undefined ? undefined : `product: ${usb.product}`,
    usb?.serialNumber === undefined ? undefined : `serial number: ${usb.serialNumber}`,
    isProbeConsole ? "the debug probe's own console (virtual COM port)" : port.roles.includes('console') ? 'serial console adapter' : undefined,
    origin === 'local' ? undefined : `on ${origin}`,
  ]
    .filter((l) => l !== undefined)
    .join('\n');
  return {
    id: `${origin}:port:${port.path}`,
    kind: 'port',
    label,
    description,
    tooltip,
    icon: isProbeConsole ? 'debug-console' : 'plug',
    contextValue: isProbeConsole ? 'port.probe' : 'port.console',
    copyPath: port.byIdPath ?? port.path,
    port,
    origin,
  };
}

export function probeItem(probe: ProbeEntry, all: readonly ProbeEntry[], origin: string): PortItem {
  const usb = probe.usb;
  const index = `usb-${String(probe.humilityIndex)}`;
  const description = [usb.id, usb.serialNumber === undefined ? undefined : `serial ${usb.serialNumber}`, `${index} (approximate)`].filter((p) => p !== undefined).join(' · ');
  const tooltip = [
    probe.label,
    `USB ${usb.id}${usb.busPort === undefined ? '' : ` at port ${usb.busPort}`}`,
    usb.manufacturer === undefined ? undefined : `maker: ${usb.manufacturer}`,
    usb.product === undefined ? undefined : `product: ${usb.product}`,
    usb.serialNumber === undefined ? 'no serial number read' : `serial number: ${usb.serialNumber}`,
    probe.consolePath === undefined ? undefined : `console: ${probe.consolePath}`,
    `HUMILITY_PROBE: ${humilityProbeValue(probe, all)}`,
    `humility index ${index} is approximate: it depends on the order humility's USB library lists probes in`,
    origin === 'local' ? undefined : `on ${origin}`,
  ]
    .filter((l) => l !== undefined)
    .join('\n');
  return {
    id: `${origin}:probe:${usb.busPort ?? `${usb.id}:${usb.serialNumber ?? String(probe.humilityIndex)}`}`,
    kind: 'probe',
    label: probe.label,
    description,
    tooltip,
    icon: 'debug-alt',
    contextValue: 'probe',
    ...(probe.consolePath === undefined ? {} : { copyPath: probe.consolePath }),
    probe,
    origin,
  };
}

export function messageItem(id: string, text: string, origin: string, isError = false): PortItem {
  return { id: `${origin}:message:${id}`, kind: 'message', label: text, description: '', tooltip: text, icon: isError ? 'warning' : 'info', origin };
}

export interface PortItemsOptions {
  /** Which rows: both (the Ports view), or only ports or probes (a device's nodes). */
  readonly only?: 'ports' | 'probes';
  /** A row saying there is nothing, instead of no rows (an empty Ports view shows its welcome). */
  readonly sayWhenEmpty?: boolean;
}

/** The rows for a listing: the fallback message first, then ports, then probes. */
export function portItems(listing: PortListing, options: PortItemsOptions = {}): PortItem[] {
  const origin = listing.origin;
  const items: PortItem[] = [];
  if (listing.fallback !== undefined) items.push(messageItem('fallback', fallbackMessage(listing.fallback.reason), origin));
  if (options.only !== 'probes') items.push(...listing.ports.map((port) => portItem(port, origin)));
  if (options.only !== 'ports') items.push(...listing.probes.map((probe) => probeItem(probe, listing.probes, origin)));
  const listed = items.filter((i) => i.kind !== 'message').length;
  if (listed === 0 && (options.sayWhenEmpty === true || listing.fallback !== undefined)) {
    const what = options.only === 'ports' ? 'No serial ports' : options.only === 'probes' ? 'No debug probes' : 'No serial ports or debug probes';
    items.push(messageItem('empty', `${what}${origin === 'local' ? '' : ` on ${origin}`}.`, origin));
  }
  return items;
}

/**
 * A console named in settings (a device's `serial.port` on this machine) that the listing does
 * not show: a pty (a simulated board, socat, a VM's serial) or a port udev does not list.
 */
export function configuredPortItem(device: string, path: string, present: boolean): PortItem {
  const port: SerialPortEntry = { path, roles: ['console'] };
  return {
    id: `local:configured:${device}:${path}`,
    kind: 'port',
    label: basename(path),
    description: present ? `${device}'s console (settings)` : `${device}'s console (settings) · not present`,
    tooltip: `${path}\nthe serial console of ${device}, from nixosDevices.devices${present ? '' : '\nnot present now: a console opened on it waits for it'}`,
    icon: present ? 'plug' : 'debug-disconnect',
    contextValue: 'port.console',
    copyPath: path,
    port,
    origin: 'local',
  };
}
