import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import type { DeviceNode } from '../views/devices-tree';

export function refreshDevices(ctx: Ctx) {
  return async (node?: DeviceNode): Promise<void> => {
    ctx.devicesTree.refresh(node?.device);
  };
}

/** Asks for a name and an SSH address and appends the device to nixosDevices.devices. */
export function addDevice(ctx: Ctx) {
  return async (): Promise<void> => {
    const existing = new Set(ctx.config.settings.devices.map((d) => d.name));
    const name = await vscode.window.showInputBox({
      title: vscode.l10n.t('Add Device'),
      prompt: vscode.l10n.t('A name for the device (a deploy node name adds to that node)'),
      validateInput: (v) =>
        v.trim() === '' ? vscode.l10n.t('Enter a name.') : existing.has(v.trim()) ? vscode.l10n.t('A device named {0} exists already.', v.trim()) : undefined,
    });
    if (name === undefined) return;
    const host = await vscode.window.showInputBox({
      title: vscode.l10n.t('Add Device'),
      prompt: vscode.l10n.t('Host name or address, as ssh takes it (an alias from ~/.ssh/config works)'),
      validateInput: (v) => (/^[^\s'"`$;&|<>]+$/.test(v.trim()) ? undefined : vscode.l10n.t('Enter a host name or address without spaces or shell characters.')),
    });
    if (host === undefined) return;
    await ctx.config.appendDevice({ name: name.trim(), host: host.trim() });
  };
}
