/**
 * Writes one key of a device's `humility` settings (the probe chosen, the command installed on a
 * board) into nixosDevices.devices, where that list is defined (folder, workspace or user
 * settings). A device only in the flake gets a settings entry with its name and host.
 * (ui/config.ts stays the only reader; this is a writer, like Config.appendDevice.)
 */
import * as vscode from 'vscode';
import type { Device } from '../../core/devices';
import { DevicesError } from '../../core/errors';
import { SETTING_KEYS } from '../../core/settings';

const SECTION = 'nixosDevices';

type HumilityKey = 'probe' | 'command' | 'archive' | 'environment' | 'target';

export async function writeDeviceHumility(device: Device, key: HumilityKey, value: string | undefined): Promise<void> {
  const configuration = vscode.workspace.getConfiguration(SECTION, vscode.workspace.workspaceFolders?.[0]?.uri);
  const inspected = configuration.inspect<unknown>(SETTING_KEYS.devices);
  const [current, target] =
    inspected?.workspaceFolderValue !== undefined
      ? [inspected.workspaceFolderValue, vscode.ConfigurationTarget.WorkspaceFolder]
      : inspected?.workspaceValue !== undefined
        ? [inspected.workspaceValue, vscode.ConfigurationTarget.Workspace]
        : inspected?.globalValue !== undefined
          ? [inspected.globalValue, vscode.ConfigurationTarget.Global]
          : [[], vscode.workspace.workspaceFolders === undefined ? vscode.ConfigurationTarget.Global : vscode.ConfigurationTarget.Workspace];
  const list: unknown[] = Array.isArray(current) ? [...(current as unknown[])] : [];
  const index = list.findIndex((entry) => typeof entry === 'object' && entry !== null && Reflect.get(entry, 'name') === device.name);
  const entry: Record<string, unknown> = index === -1 ? {} : { ...(list[index] as Record<string, unknown>) };
  if (index === -1) {
    if (device.host === undefined) throw new DevicesError('INVALID_SETTING', vscode.l10n.t('Device {0} has no host: add it to nixosDevices.devices first.', device.name));
    entry['name'] = device.name;
    entry['host'] = device.host;
  }
  const raw = entry['humility'];
  const humility: Record<string, unknown> = typeof raw === 'object' && raw !== null ? { ...(raw as Record<string, unknown>) } : {};
  if (value === undefined) delete humility[key];
  else humility[key] = value;
  entry['humility'] = humility;
  if (index === -1) list.push(entry);
  else list[index] = entry;
  await configuration.update(SETTING_KEYS.devices, list, target);
}
