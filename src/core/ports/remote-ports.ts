/**
 * Ports on a device reached over SSH: one remote command (the sysfs scan script, coreutils and
 * sh only, run through the connection's exec with quoteArgv) and the same assembly as locally.
 */
import { DevicesError } from '../errors';
import type { SshConnection } from '../remote';
import { portScanArgv, type PortRoots } from './list-ports';
import { assemblePortListing } from './port-assembly';
import type { PortListing } from './port-model';
import { parsePortScan } from './sysfs-scan';

export interface RemotePortsOptions extends PortRoots {
  readonly signal?: AbortSignal;
}

export async function listRemotePorts(connection: SshConnection, options: RemotePortsOptions = {}): Promise<PortListing> {
  const result = await connection.exec(portScanArgv(options), options.signal === undefined ? {} : { signal: options.signal });
  if (result.exitCode !== 0) {
    throw new DevicesError('PROGRAM_FAILED', `Could not list the serial ports of ${connection.target} (exit status ${String(result.exitCode)}): ${result.stderr.trim().split('\n').slice(-2).join(' ')}. The listing needs a POSIX sh with readlink and tr on the device.`, { detail: result.stderr });
  }
  return assemblePortListing(parsePortScan(result.stdout), { devRoot: options.devRoot ?? '/dev', origin: connection.target });
}
