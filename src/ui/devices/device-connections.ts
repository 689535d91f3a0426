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

export function sshTargetOf(device: Device): SshTarget {
  if (device.deployNode !== undefined && device.sources.includes('flake') && !device.sources.includes('settings')) return sshTargetOfNode(device.deployNode).target;
  if (device.host === undefined) throw new DevicesError('INVALID_SETTING', `Device ${device.name} has no host: set it in nixosDevices.devices or the deploy node's hostname.`);
  return { host: device.host, ...(device.port === undefined ? {} : { port: device.port }), user: device.user ?? 'root' };
}

export class DeviceConnections {
  private readonly statuses = new Map<string, DeviceStatus>();

  constructor(
    readonly pool: SshPool,
    private readonly memento: vscode.Memento,
  ) {}

  link(device: Device): BoardLink {
    return boardLinkFromPool(this.pool, sshTargetOf(device), device.name);
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
