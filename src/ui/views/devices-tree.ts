/**
 * The Devices view: the flake's deploy nodes and the devices from settings, with their address.
 * (Reachability, generations and the boot menu come with the deploy work: issue 6.)
 */
import * as vscode from 'vscode';
import { listDevices, type Device } from '../../core/devices';
import type { Config } from '../config';
import type { FlakeWorkspace } from '../flake/flake-workspace';

export type DeviceNode = { readonly kind: 'device'; readonly device: Device };

export class DevicesTreeProvider implements vscode.TreeDataProvider<DeviceNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<DeviceNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly flakes: FlakeWorkspace,
    private readonly config: Config,
  ) {
    flakes.onDidChange(() => this.refresh(), undefined, this.disposables);
    config.onDidChangeKey('devices', () => this.refresh(), this.disposables);
  }

  refresh(): void {
    this.emitter.fire(undefined);
  }

  async getChildren(node?: DeviceNode): Promise<DeviceNode[]> {
    if (node !== undefined) return [];
    // An untrusted workspace still shows the devices from settings; the flake is not evaluated.
    const outputs = this.flakes.trusted ? await this.flakes.allOutputs() : [];
    return listDevices(outputs, this.config.settings.devices).map((device) => ({ kind: 'device', device }));
  }

  getParent(): undefined {
    return undefined;
  }

  getTreeItem(node: DeviceNode): vscode.TreeItem {
    const d = node.device;
    const item = new vscode.TreeItem(d.name, vscode.TreeItemCollapsibleState.None);
    item.id = `device:${d.name}`;
    const address = d.host === undefined ? vscode.l10n.t('no address') : `${d.user === undefined ? '' : `${d.user}@`}${d.host}${d.port === undefined ? '' : `:${d.port}`}`;
    item.description = d.system === undefined ? address : `${address} · ${d.system}`;
    item.tooltip = [
      d.name,
      address,
      d.sources.includes('flake') ? vscode.l10n.t('deploy node in {0}', d.flakeDir ?? '') : '',
      d.sources.includes('settings') ? vscode.l10n.t('in settings (nixosDevices.devices)') : '',
    ]
      .filter((l) => l !== '')
      .join('\n');
    item.iconPath = new vscode.ThemeIcon('circuit-board');
    item.contextValue = 'device';
    return item;
  }

  dispose(): void {
    this.disposables.forEach((d) => {
      d.dispose();
    });
    this.emitter.dispose();
  }
}
