/**
 * The Ports view: this machine's serial ports and debug probes (core/ports), refreshed on plug
 * and unplug. Nothing is listed, and serialport is not loaded, until the view is first shown
 * (VS Code asks for its children only then): activation stays cheap. When SerialPort.list() is
 * unavailable the first row says so. Ports on devices are under each device in the Devices view.
 * Below the ports, the drives a card can be in (removable, USB or SD/MMC; loop devices when the
 * flash setting allows them), for Flash…, Eject and the card tools; /dev is watched for them.
 */
import { existsSync, realpathSync, watch, type FSWatcher } from 'node:fs';
import * as vscode from 'vscode';
import type { Disposable as CoreDisposable } from '../../core/jobs';
import type { Logger } from '../../core/log';
import { listPorts, watchPorts, type PortListing } from '../../core/ports';
import { listDrives } from '../../core/flash';
import { cardDriveItems, type CardDriveItem } from '../flash/card-drives-model';
import { configuredPortItem, messageItem, portItems, type PortItem } from '../ports/port-items';
import { portTreeItem } from '../ports/port-tree-item';

/** A row of the Ports view: a port, a probe or a message (PortItem), or a card drive. */
export type PortsNode = PortItem | { readonly kind: 'drive'; readonly drive: CardDriveItem; readonly path: string };

/** Block devices a card reader or a loop device shows up as. */
const DRIVE_NAME = /^(sd[a-z]+|mmcblk\d+|loop\d+|nvme\d+n\d+)$/;
const DRIVE_DEBOUNCE_MS = 500;

export class PortsTreeProvider implements vscode.TreeDataProvider<PortsNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<PortsNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private current: Promise<PortListing> | undefined;
  private watcher: CoreDisposable | undefined;
  private disposed = false;

  private driveWatcher: FSWatcher | undefined;
  private driveTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger?: Logger,
    /** Whether loop devices are offered (nixosDevices.flash.allowNonRemovable), read each time. */
    private readonly allowNonRemovable: () => boolean = () => false,
    /** Consoles named in settings on this machine: device name and port path. */
    private readonly configuredConsoles: () => Promise<readonly { readonly device: string; readonly path: string }[]> = async () => [],
  ) {}

  /** The listing the view shows (listing now if the view has not been shown yet). */
  listing(): Promise<PortListing> {
    this.current ??= listPorts(this.logger === undefined ? {} : { logger: this.logger });
    this.startWatching();
    return this.current;
  }

  /** Lists again now (the Refresh button; the watcher covers plug and unplug). */
  refresh(): void {
    this.current = undefined;
    this.emitter.fire(undefined);
  }

  async getChildren(node?: PortsNode): Promise<PortsNode[]> {
    if (node !== undefined) return [];
    let ports: PortsNode[];
    try {
      ports = portItems(await this.listing());
    } catch (error) {
      this.current = undefined;
      ports = [messageItem('error', `Could not list the serial ports: ${error instanceof Error ? error.message : String(error)}`, 'local', true)];
    }
    return [...ports, ...(await this.configured(ports)), ...(await this.drives())];
  }

  /** Consoles from settings the listing does not show (ptys, a simulated board's port). */
  private async configured(listed: readonly PortsNode[]): Promise<PortsNode[]> {
    const real = (path: string): string => {
      try {
        return realpathSync(path);
      } catch {
        return path;
      }
    };
    const shown = new Set(listed.flatMap((n) => (n.kind === 'port' && n.port !== undefined ? [real(n.port.path), ...(n.port.byIdPath === undefined ? [] : [n.port.byIdPath])] : [])));
    const consoles = await this.configuredConsoles().catch(() => []);
    return consoles.filter((c) => !shown.has(c.path) && !shown.has(real(c.path))).map((c) => configuredPortItem(c.device, c.path, existsSync(c.path)));
  }

  /** The card drives (none when lsblk fails: the ports stay useful). */
  private async drives(): Promise<PortsNode[]> {
    this.watchDrives();
    try {
      const items = cardDriveItems(await listDrives(this.logger === undefined ? {} : { logger: this.logger }), { allowNonRemovable: this.allowNonRemovable() });
      return items.map((drive) => ({ kind: 'drive', drive, path: drive.path }));
    } catch (error) {
      this.logger?.warn(`Ports view: could not list drives: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  }

  private watchDrives(): void {
    if (this.driveWatcher !== undefined || this.disposed) return;
    try {
      this.driveWatcher = watch('/dev', (_event, name) => {
        if (name === null || !DRIVE_NAME.test(String(name))) return;
        if (this.driveTimer !== undefined) clearTimeout(this.driveTimer);
        this.driveTimer = setTimeout(() => this.emitter.fire(undefined), DRIVE_DEBOUNCE_MS);
      });
    } catch {
      // No /dev to watch (macOS sandbox, containers): Refresh still lists them.
    }
  }

  getTreeItem(node: PortsNode): vscode.TreeItem {
    if (node.kind !== 'drive') return portTreeItem(node);
    const d = node.drive;
    const item = new vscode.TreeItem(d.label, vscode.TreeItemCollapsibleState.None);
    item.id = `drive:${d.id}`;
    item.description = d.description;
    item.tooltip = d.tooltip;
    item.iconPath = new vscode.ThemeIcon(d.icon);
    item.contextValue = d.contextValue;
    return item;
  }

  private startWatching(): void {
    if (this.watcher !== undefined || this.disposed) return;
    this.watcher = watchPorts(
      (listing) => {
        this.current = Promise.resolve(listing);
        this.emitter.fire(undefined);
      },
      { emitInitial: false, ...(this.logger === undefined ? {} : { logger: this.logger }) },
    );
  }

  dispose(): void {
    this.disposed = true;
    this.watcher?.dispose();
    this.driveWatcher?.close();
    if (this.driveTimer !== undefined) clearTimeout(this.driveTimer);
    this.emitter.dispose();
  }
}
