/**
 * `nixos-devices ports [--json] [--via DEVICE]`: serial ports and debug probes here, or on a
 * deploy node of the flake in the current folder (--via). Says when the list comes from the
 * sysfs fallback (no udevadm).
 */
import { listPorts, listRemotePorts, type PortListing } from '../core/ports';
import { parseArgs } from './args';
import { withNodeConnection } from './deploy';
import type { CliCommand, CliIo } from './main';

export function formatPortListing(listing: PortListing): string {
  const lines: string[] = [];
  if (listing.fallback !== undefined) lines.push(`note: SerialPort.list() failed (${listing.fallback.reason}); listed from /dev/serial/by-id and sysfs`);
  lines.push(listing.ports.length === 0 ? `No serial ports on ${listing.origin}.` : `Serial ports on ${listing.origin}:`);
  for (const port of listing.ports) {
    const usb = port.usb;
    const what = [port.label, usb?.id, usb?.manufacturer, usb?.product, usb?.serialNumber === undefined ? undefined : `serial ${usb.serialNumber}`].filter((x) => x !== undefined).join(', ');
    const roles = port.roles.length === 0 ? '' : ` [${port.roles.join(', ')}]`;
    lines.push(`  ${port.path}${roles}${what === '' ? '' : `  ${what}`}`);
    if (port.byIdPath !== undefined) lines.push(`      ${port.byIdPath}`);
  }
  if (listing.probes.length > 0) {
    lines.push(`Debug probes on ${listing.origin}:`);
    for (const probe of listing.probes) {
      const serial = probe.usb.serialNumber === undefined ? 'serial unreadable' : `serial ${probe.usb.serialNumber}`;
      const port = probe.usb.busPort === undefined ? '' : `, port ${probe.usb.busPort}`;
      const vcp = probe.consolePath === undefined ? '' : `, console ${probe.consolePath}`;
      lines.push(`  usb-${String(probe.humilityIndex)}  ${probe.label} ${probe.usb.id}, ${serial}${port}${vcp}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function print(io: CliIo, listing: PortListing, json: boolean): void {
  io.stdout.write(json ? `${JSON.stringify(listing, null, 2)}\n` : formatPortListing(listing));
}

export const portsCommand: CliCommand = async (args, io, signal) => {
  const parsed = parseArgs(args, { booleans: ['json', 'verbose'], values: ['via', 'dev-root', 'sys-root'] }, 'ports');
  const flag = (name: string): string | undefined => {
    const value = parsed.flags.get(name);
    return typeof value === 'string' ? value : undefined;
  };
  // --dev-root/--sys-root point the listing at another tree (tests, chroots); not in the usage text.
  const devRoot = flag('dev-root');
  const sysRoot = flag('sys-root');
  const roots = { ...(devRoot === undefined ? {} : { devRoot }), ...(sysRoot === undefined ? {} : { sysRoot }) };
  const json = parsed.flags.has('json');
  const via = flag('via');
  if (via === undefined) {
    // udev only knows the real /dev: a given tree is listed from its by-id links and sysfs alone.
    const list = devRoot === undefined && sysRoot === undefined ? {} : { list: () => Promise.reject(new Error('--dev-root/--sys-root list that tree, not udev')) };
    print(io, await listPorts({ ...roots, ...list, signal }), json);
    return 0;
  }
  return withNodeConnection(io, via, { verbose: parsed.flags.has('verbose'), signal }, async (_node, connection) => {
    print(io, await listRemotePorts(connection, { ...roots, signal }), json);
    return 0;
  });
};
