/**
 * The only reader of VS Code settings. Raw values go through core's normalisers, so every other
 * module gets a typed, valid `Settings`; `onDidChange` tells which keys changed.
 */
import * as vscode from 'vscode';
import { readSettings, SETTING_KEYS, type DeviceSetting, type Settings } from '../core/settings';

const SECTION = 'nixosDevices';

export class Config implements vscode.Disposable {
  private current: Settings;
  private readonly emitter = new vscode.EventEmitter<readonly (keyof Settings)[]>();
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.current = this.read();
    this.subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration(SECTION)) return;
      const changed = (Object.keys(SETTING_KEYS) as (keyof Settings)[]).filter((key) =>
        event.affectsConfiguration(`${SECTION}.${SETTING_KEYS[key]}`),
      );
      this.current = this.read();
      if (changed.length > 0) this.emitter.fire(changed);
    });
  }

  get settings(): Settings {
    return this.current;
  }

  /** Fires with the keys that changed, after `settings` already holds the new values. */
  readonly onDidChange = this.emitter.event;

  /** Listens for changes of one key only. */
  onDidChangeKey(key: keyof Settings, listener: () => void, disposables?: vscode.Disposable[]): vscode.Disposable {
    return this.onDidChange((keys) => {
      if (keys.includes(key)) listener();
    }, undefined, disposables);
  }

  /** Adds a device to nixosDevices.devices in the workspace (or user settings without one). */
  async appendDevice(device: DeviceSetting): Promise<void> {
    const configuration = vscode.workspace.getConfiguration(SECTION, vscode.workspace.workspaceFolders?.[0]?.uri);
    const raw = configuration.get<unknown>(SETTING_KEYS.devices);
    const list = Array.isArray(raw) ? [...(raw as unknown[])] : [];
    list.push(device);
    const target = vscode.workspace.workspaceFolders === undefined ? vscode.ConfigurationTarget.Global : vscode.ConfigurationTarget.Workspace;
    await configuration.update(SETTING_KEYS.devices, list, target);
  }

  private read(): Settings {
    // Resource-scoped settings are read for the first workspace folder (where the flake is).
    const configuration = vscode.workspace.getConfiguration(SECTION, vscode.workspace.workspaceFolders?.[0]?.uri);
    return readSettings((key) => configuration.get<unknown>(key));
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
