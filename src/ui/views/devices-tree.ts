/**
 * The Devices view: the flake's deploy nodes and the devices from settings → Generations (current,
 * booted, what boots by default) and the Boot menu exactly as u-boot numbers it. Read over SSH
 * when a device is expanded; the last read is shown, marked stale, when a device is unreachable.
 * A reachable device also has Ports and Probe: its serial ports and debug probes, listed over SSH
 * when expanded (ui/ports).
 */
import * as vscode from 'vscode';
import type { BootMenuRow, DeviceGenerations, Generation } from '../../core/deploy';
import { listDevices, type Device } from '../../core/devices';
import type { Config } from '../config';
import type { DeviceConnections, DeviceStatus } from '../devices/device-connections';
import type { FlakeWorkspace } from '../flake/flake-workspace';
import { DevicePorts } from '../ports/device-ports';
import { messageItem, portItems, type PortItem } from '../ports/port-items';
import { portTreeItem } from '../ports/port-tree-item';

export type DeviceNode =
  | { readonly kind: 'device'; readonly device: Device }
  | { readonly kind: 'group'; readonly device: Device; readonly group: 'generations' | 'bootMenu' }
  | { readonly kind: 'generation'; readonly device: Device; readonly generation: Generation; readonly stale: boolean }
  | { readonly kind: 'bootEntry'; readonly device: Device; readonly row: BootMenuRow; readonly stale: boolean }
  | { readonly kind: 'message'; readonly device: Device; readonly text: string; readonly isError: boolean }
  | { readonly kind: 'portsGroup'; readonly device: Device; readonly group: 'ports' | 'probes' }
  | { readonly kind: 'portItem'; readonly device: Device; readonly group: 'ports' | 'probes'; readonly item: PortItem };

function generationsOf(status: DeviceStatus): { generations: DeviceGenerations; stale: boolean } | undefined {
  if (status.state === 'online') return { generations: status.generations, stale: false };
  if (status.state === 'offline' && status.last !== undefined) return { generations: status.last.generations, stale: true };
  return undefined;
}

export class DevicesTreeProvider implements vscode.TreeDataProvider<DeviceNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<DeviceNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  /** Each device's ports and probes, listed over SSH (shared with the humility commands). */
  readonly devicePorts: DevicePorts;

  constructor(
    private readonly flakes: FlakeWorkspace,
    private readonly config: Config,
    private readonly connections: DeviceConnections,
  ) {
    this.devicePorts = new DevicePorts(connections);
    flakes.onDidChange(() => this.refresh(), undefined, this.disposables);
    config.onDidChangeKey('devices', () => this.refresh(), this.disposables);
  }

  /** The device nodes last given to VS Code, by name: its tree knows elements by identity, so a
   * refresh of one device must fire that same object (a new one is silently ignored). */
  private deviceNodes = new Map<string, DeviceNode>();

  /** Redraws and reads again over SSH: one device, or (no argument) all of them. */
  refresh(device?: Device): void {
    const targets = device === undefined ? [...this.deviceNodes.values()].map((n) => n.device) : [device];
    for (const d of targets) this.connections.forget(d);
    this.devicePorts.forget(device);
    // A device VS Code was never given: redraw the whole tree.
    this.emitter.fire(device === undefined ? undefined : this.deviceNodes.get(device.name));
  }

  async devices(): Promise<Device[]> {
    // An untrusted workspace still shows the devices from settings; the flake is not evaluated.
    const outputs = this.flakes.trusted ? await this.flakes.allOutputs() : [];
    return listDevices(outputs, this.config.settings.devices);
  }

  async getChildren(node?: DeviceNode): Promise<DeviceNode[]> {
    if (node === undefined) {
      const nodes = (await this.devices()).map((device): DeviceNode => ({ kind: 'device', device }));
      this.deviceNodes = new Map(nodes.map((n) => [n.device.name, n]));
      return nodes;
    }
    const device = node.device;
    if (node.kind === 'device') {
      let status = this.connections.status(device);
      if (status.state === 'unknown') status = await this.connections.refresh(device);
      const known = generationsOf(status);
      const nodes: DeviceNode[] = [];
      if (status.state === 'offline') nodes.push({ kind: 'message', device, text: status.error.message, isError: true });
      if (known !== undefined) nodes.push({ kind: 'group', device, group: 'generations' }, { kind: 'group', device, group: 'bootMenu' });
      if (status.state === 'online') nodes.push({ kind: 'portsGroup', device, group: 'ports' }, { kind: 'portsGroup', device, group: 'probes' });
      return nodes;
    }
    if (node.kind === 'portsGroup') {
      const group = node.group;
      try {
        const listing = await this.devicePorts.listing(device);
        return portItems(listing, { only: group, sayWhenEmpty: true }).map((item) => ({ kind: 'portItem', device, group, item }));
      } catch (error) {
        const text = error instanceof Error ? error.message : String(error);
        return [{ kind: 'portItem', device, group, item: messageItem(`${group}:error`, text, device.name, true) }];
      }
    }
    if (node.kind !== 'group') return [];
    const known = generationsOf(this.connections.status(device));
    if (known === undefined) return [];
    if (node.group === 'generations') {
      return [...known.generations.generations].reverse().map((generation) => ({ kind: 'generation', device, generation, stale: known.stale }));
    }
    const menu = known.generations.bootMenu;
    if (menu === undefined) return [{ kind: 'message', device, text: known.generations.bootMenuError ?? vscode.l10n.t('No extlinux boot menu on this device.'), isError: false }];
    return menu.rows.map((row) => ({ kind: 'bootEntry', device, row, stale: known.stale }));
  }

  getParent(node: DeviceNode): DeviceNode | undefined {
    switch (node.kind) {
      case 'device':
        return undefined;
      case 'group':
      case 'message':
        return { kind: 'device', device: node.device };
      case 'generation':
        return { kind: 'group', device: node.device, group: 'generations' };
      case 'bootEntry':
        return { kind: 'group', device: node.device, group: 'bootMenu' };
      case 'portsGroup':
        return { kind: 'device', device: node.device };
      case 'portItem':
        return { kind: 'portsGroup', device: node.device, group: node.group };
    }
  }

  getTreeItem(node: DeviceNode): vscode.TreeItem {
    const d = node.device;
    switch (node.kind) {
      case 'device': {
        const item = new vscode.TreeItem(d.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `device:${d.name}`;
        const address = d.host === undefined ? vscode.l10n.t('no address') : `${d.user === undefined ? '' : `${d.user}@`}${d.host}${d.port === undefined ? '' : `:${d.port}`}`;
        const status = this.connections.status(d);
        const known = generationsOf(status);
        const marks = [
          d.system,
          status.state === 'offline' ? vscode.l10n.t('unreachable') : undefined,
          known?.generations.rebootNeeded === true ? vscode.l10n.t('reboot needed ({0})', known.generations.rebootReasons.join(', ')) : undefined,
        ].filter((m): m is string => m !== undefined);
        item.description = [address, ...marks].join(' · ');
        item.tooltip = [d.name, address, d.sources.includes('flake') ? vscode.l10n.t('deploy node in {0}', d.flakeDir ?? '') : '', d.sources.includes('settings') ? vscode.l10n.t('in settings (nixosDevices.devices)') : '']
          .filter((l) => l !== '')
          .join('\n');
        item.iconPath = new vscode.ThemeIcon(status.state === 'offline' ? 'debug-disconnect' : 'circuit-board');
        // `.serial`: the device has a console in settings (the Open Serial Console action).
        item.contextValue = `${d.deployNode === undefined ? 'device' : 'device.deployable'}${d.serial === undefined ? '' : '.serial'}`;
        return item;
      }
      case 'group': {
        const item = new vscode.TreeItem(node.group === 'generations' ? vscode.l10n.t('Generations') : vscode.l10n.t('Boot menu'), vscode.TreeItemCollapsibleState.Expanded);
        item.id = `device:${d.name}:${node.group}`;
        item.contextValue = `group.${node.group}`;
        return item;
      }
      case 'generation': {
        const g = node.generation;
        const item = new vscode.TreeItem(vscode.l10n.t('Generation {0}', g.number), vscode.TreeItemCollapsibleState.None);
        item.id = `device:${d.name}:generation:${g.number}`;
        const marks = [g.isCurrent ? vscode.l10n.t('current') : '', g.isBooted ? vscode.l10n.t('booted') : '', g.isProfile ? vscode.l10n.t('boots by default') : ''].filter((m) => m !== '');
        item.description = [g.nixosVersion, g.createdUtc.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'), ...marks, node.stale ? vscode.l10n.t('(stale)') : ''].filter((x) => x !== undefined && x !== '').join(' · ');
        item.tooltip = [g.storePath, g.kernel === undefined ? '' : `kernel ${g.kernel}`].filter((l) => l !== '').join('\n');
        item.iconPath = new vscode.ThemeIcon(g.isCurrent ? 'pass-filled' : 'circle-outline');
        item.contextValue = node.stale ? 'generation.stale' : 'generation';
        return item;
      }
      case 'bootEntry': {
        const r = node.row;
        const item = new vscode.TreeItem(`${r.number}:  ${r.text}`, vscode.TreeItemCollapsibleState.None);
        item.id = `device:${d.name}:boot:${r.number}`;
        item.description = [r.isDefault ? vscode.l10n.t('default') : '', node.stale ? vscode.l10n.t('(stale)') : ''].filter((x) => x !== '').join(' · ');
        item.tooltip = r.systemPath ?? r.label;
        item.iconPath = new vscode.ThemeIcon(r.isDefault ? 'star-full' : 'list-ordered');
        item.contextValue = 'bootEntry';
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.isError ? 'warning' : 'info');
        item.tooltip = node.text;
        return item;
      }
      case 'portsGroup': {
        const item = new vscode.TreeItem(node.group === 'ports' ? vscode.l10n.t('Ports') : vscode.l10n.t('Probe'), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `device:${d.name}:${node.group}`;
        item.iconPath = new vscode.ThemeIcon(node.group === 'ports' ? 'plug' : 'debug-alt');
        item.contextValue = `group.${node.group}`;
        return item;
      }
      case 'portItem': {
        const item = portTreeItem(node.item);
        item.id = `device:${d.name}:${node.group}:${node.item.id}`;
        return item;
      }
    }
  }

  dispose(): void {
    this.disposables.forEach((d) => {
      d.dispose();
    });
    this.emitter.dispose();
  }
}
