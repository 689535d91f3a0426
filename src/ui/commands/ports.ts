/** The Ports view's commands: refresh, and copy a port's path (its stable by-id link when it has one). */
import * as vscode from 'vscode';
import { DevicesError } from '../../core/errors';
import type { Ctx } from '../ctx';
import { portItems, type PortItem } from '../ports/port-items';
import type { DeviceNode } from '../views/devices-tree';

export function refreshPorts(ctx: Ctx) {
  return async (): Promise<void> => {
    ctx.portsTree.refresh();
  };
}

/** The port row a command was given: a Ports view row or a device's port row in the Devices view. */
export function portItemOf(arg: unknown): PortItem | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const kind: unknown = Reflect.get(arg, 'kind');
  if (kind === 'portItem' && typeof Reflect.get(arg, 'item') === 'object') return (arg as Extract<DeviceNode, { kind: 'portItem' }>).item;
  if ((kind === 'port' || kind === 'probe') && typeof Reflect.get(arg, 'origin') === 'string') return arg as PortItem;
  return undefined;
}

export function copyPortPath(ctx: Ctx) {
  return async (arg?: unknown): Promise<void> => {
    let item = portItemOf(arg);
    if (item === undefined) {
      const candidates = portItems(await ctx.portsTree.listing()).filter((i) => i.copyPath !== undefined);
      if (candidates.length === 0) throw new DevicesError('NOT_FOUND', vscode.l10n.t('No serial ports are attached to this machine.'));
      const picked = await vscode.window.showQuickPick(
        candidates.map((i) => ({ label: i.label, description: i.description, detail: i.copyPath ?? '', item: i })),
        { title: vscode.l10n.t('Copy Port Path') },
      );
      item = picked?.item;
    }
    if (item?.copyPath === undefined) return;
    await vscode.env.clipboard.writeText(item.copyPath);
    void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', item.copyPath), 3000);
  };
}
