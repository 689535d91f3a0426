/**
 * Local ports: SerialPort.list() (udev's view: path, by-id, ids, maker, serial) merged with the
 * sysfs scan (product name, bus-port path, and the probes, which have no tty). When list()
 * fails — `spawn udevadm ENOENT` on a machine without udev — the ports come from the scan of
 * /dev/serial/by-id and sysfs, and the listing says so in `fallback`.
 */
import { run } from '../exec';
import { SILENT_LOGGER, type Logger } from '../log';
import { assemblePortListing, type ListedPort } from './port-assembly';
import type { PortListing } from './port-model';
import { parsePortScan, PORT_SCAN_SCRIPT, type PortScan } from './sysfs-scan';

export interface PortRoots {
  /** Default /dev. */
  readonly devRoot?: string;
  /** Default /sys. */
  readonly sysRoot?: string;
}

export interface ListPortsOptions extends PortRoots {
  /** SerialPort.list by default; tests give a fixture's or a failing one. */
  readonly list?: () => Promise<readonly ListedPort[]>;
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
}

/** serialport is loaded on first use: its native binding is not needed by every caller. */
async function serialportList(): Promise<readonly ListedPort[]> {
  const { SerialPort } = await import('serialport');
  return SerialPort.list();
}

/** argv of the scan: `sh -c SCRIPT sh DEV SYS`. */
export function portScanArgv(roots: PortRoots = {}): string[] {
  return ['sh', '-c', PORT_SCAN_SCRIPT, 'sh', roots.devRoot ?? '/dev', roots.sysRoot ?? '/sys'];
}

export async function scanLocalPorts(roots: PortRoots = {}, options: { readonly signal?: AbortSignal; readonly logger?: Logger } = {}): Promise<PortScan> {
  const result = await run(portScanArgv(roots), { parseable: true, ...(options.signal === undefined ? {} : { signal: options.signal }), ...(options.logger === undefined ? {} : { logger: options.logger }) });
  return parsePortScan(result.stdout);
}

export async function listPorts(options: ListPortsOptions = {}): Promise<PortListing> {
  const logger = options.logger ?? SILENT_LOGGER;
  const devRoot = options.devRoot ?? '/dev';
  const [scan, listed] = await Promise.all([
    scanLocalPorts(options, options),
    (options.list ?? serialportList)().then(
      (ports) => ({ ports }),
      (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }),
    ),
  ]);
  if ('error' in listed) {
    logger.warn(`ports: SerialPort.list() failed (${listed.error}); listing /dev/serial/by-id and sysfs instead`);
    return assemblePortListing(scan, { devRoot, origin: 'local', fallback: { reason: listed.error } });
  }
  return assemblePortListing(scan, { devRoot, origin: 'local', listed: listed.ports });
}
