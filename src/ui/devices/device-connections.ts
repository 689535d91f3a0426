/**
 * Devices as SSH targets, their pooled connections, and the last generations read from each.
 * The last read is kept (in workspace state) so an unreachable device still shows its
 * generations and boot menu, marked stale.
 */
import type * as vscode from 'vscode';
import { boardLinkFromPool, DEFAULT_BOARD_PATHS, readGenerations, sshTargetOfNode, type BoardLink, type DeviceGenerations } from '../../core/deploy';
import type { Device } from '../../core/devices';
import { DevicesError, toDevicesError } from '../../core/errors';
import type { SshPool, SshTarget } from '../../core/remote';

export type DeviceStatus =
  | { readonly state: 'unknown' }
  | { readonly state: 'reading' }
  | { readonly state: 'online'; readonly generations: DeviceGenerations; readonly readAt: string }
  | { readonly state: 'offline'; readonly error: DevicesError; readonly last?: { readonly generations: DeviceGenerations; readonly readAt: string } };

const STATE_KEY = 'nixosDevices.lastGenerations';

/**
 * Where to reach a device: its deploy node's hostname, sshUser and the `-p`/`-i`/`-l`/`-F` of its
 * sshOpts (so the key and ssh_config deploy-rs would use are used here too), with the host, port
 * and user of a settings entry of the same name taking precedence.
 */
export function sshTargetOf(device: Device): { readonly target: SshTarget; readonly configFile?: string } {
  const fromNode = device.deployNode === undefined || device.deployNode.hostname === undefined ? undefined : sshTargetOfNode(device.deployNode);
  const fromSettings = device.sources.includes('settings');
  if (fromNode !== undefined && !fromSettings) return fromNode;
  if (device.host === undefined) throw new DevicesError('INVALID_SETTING', `Device ${device.name} has no host: set it in nixosDevices.devices or the deploy node's hostname.`);
  const target: SshTarget = {
    ...fromNode?.target,
    host: device.host,
    ...(device.port === undefined ? {} : { port: device.port }),
    user: device.user ?? fromNode?.target.user ?? 'root',
  };
  return { target, ...(fromNode?.configFile === undefined ? {} : { configFile: fromNode.configFile }) };
}

export class DeviceConnections {
  private readonly statuses = new Map<string, DeviceStatus>();

  /** Pools for devices whose deploy node names its own ssh_config (`-F`), by that file. */
  private readonly configPools = new Map<string, SshPool>();

  constructor(
    readonly pool: SshPool,
    private readonly memento: vscode.Memento,
    /** A pool like `pool` that resolves hosts with another ssh_config. */
    private readonly poolWithConfig: (configFile: string) => SshPool = () => pool,
  ) {}

  link(device: Device): BoardLink {
    const { target, configFile } = sshTargetOf(device);
    return boardLinkFromPool(configFile === undefined ? this.pool : this.configPool(configFile), target, device.name);
  }

  private configPool(configFile: string): SshPool {
    let pool = this.configPools.get(configFile);
    if (pool === undefined) {
      pool = this.poolWithConfig(configFile);
      this.configPools.set(configFile, pool);
    }
    return pool;
  }

  /** Closes the pools made for ssh_config files (the main pool is the extension's to close). */
  async close(): Promise<void> {
    await Promise.all([...this.configPools.values()].filter((p) => p !== this.pool).map((p) => p.close()));
    this.configPools.clear();
  }

  status(device: Device): DeviceStatus {
    return this.statuses.get(device.name) ?? { state: 'unknown' };
  }

  /** Reads generations and the boot menu over SSH; on failure keeps the last read as stale. */
  async refresh(device: Device, signal?: AbortSignal): Promise<DeviceStatus> {
    this.statuses.set(device.name, { state: 'reading' });
    try {
      const connection = await this.link(device).connection(signal);
      const generations = await readGenerations(connection, DEFAULT_BOARD_PATHS);
      const status: DeviceStatus = { state: 'online', generations, readAt: new Date().toISOString() };
      this.statuses.set(device.name, status);
      const saved = this.memento.get<Record<string, unknown>>(STATE_KEY, {});
      await this.memento.update(STATE_KEY, { ...saved, [device.name]: { generations, readAt: status.readAt } });
      return status;
    } catch (error) {
      const saved = this.memento.get<Record<string, { generations: DeviceGenerations; readAt: string } | undefined>>(STATE_KEY, {})[device.name];
      const status: DeviceStatus = { state: 'offline', error: toDevicesError(error, `Reaching ${device.name}`), ...(saved === undefined ? {} : { last: saved }) };
      this.statuses.set(device.name, status);
      return status;
    }
  }

  forget(device: Device): void {
    this.statuses.delete(device.name);
  }
}
