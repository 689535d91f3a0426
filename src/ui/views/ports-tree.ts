/**
 * The Ports view: this machine's serial ports and debug probes (core/ports), refreshed on plug
 * and unplug. Nothing is listed, and serialport is not loaded, until the view is first shown
 * (VS Code asks for its children only then): activation stays cheap. When SerialPort.list() is
 * unavailable the first row says so. Ports on devices are under each device in the Devices view.
 */
import * as vscode from 'vscode';
import type { Disposable as CoreDisposable } from '../../core/jobs';
import type { Logger } from '../../core/log';
import { listPorts, watchPorts, type PortListing } from '../../core/ports';
import { messageItem, portItems, type PortItem } from '../ports/port-items';
import { portTreeItem } from '../ports/port-tree-item';

export class PortsTreeProvider implements vscode.TreeDataProvider<PortItem>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<PortItem | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private current: Promise<PortListing> | undefined;
  private watcher: CoreDisposable | undefined;
  private disposed = false;

  constructor(private readonly logger?: Logger) {}

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

  async getChildren(node?: PortItem): Promise<PortItem[]> {
    if (node !== undefined) return [];
    try {
      return portItems(await this.listing());
    } catch (error) {
      this.current = undefined;
      return [messageItem('error', `Could not list the serial ports: ${error instanceof Error ? error.message : String(error)}`, 'local', true)];
    }
  }

  getTreeItem(node: PortItem): vscode.TreeItem {
    return portTreeItem(node);
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
    this.emitter.dispose();
  }
}
