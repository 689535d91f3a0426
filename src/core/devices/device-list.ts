/**
 * The devices the user works with: the flake's `deploy.nodes` plus `nixosDevices.devices`
 * from settings. A settings entry with a deploy node's name adds to that node (a port, a user,
 * the system) rather than making a second device.
 */
import type { DeployNodeOutput, FlakeOutputs } from '../nix';
import type { DeviceSerialSetting, DeviceSetting } from '../settings';
import type { HumilitySettings } from '../humility/humility-settings';

export interface Device {
  readonly name: string;
  readonly host?: string;
  readonly port?: number;
  readonly user?: string;
  readonly system?: string;
  /** Where it is declared: a flake folder's deploy node, settings, or both. */
  readonly sources: readonly ('flake' | 'settings')[];
  readonly flakeDir?: string;
  readonly deployNode?: DeployNodeOutput;
  /** From settings: the device's serial console and its debug probe's humility settings. */
  readonly serial?: DeviceSerialSetting;
  readonly humility?: HumilitySettings;
}

export function listDevices(flakes: readonly FlakeOutputs[], settings: readonly DeviceSetting[]): Device[] {
  const devices = new Map<string, Device>();
  for (const flake of flakes) {
    for (const node of flake.deployNodes) {
      if (devices.has(node.name)) continue; // the first flake (shallowest) wins, as in resolveFlakeDirs
      const hostSystem = flake.nixosConfigurations.find((c) => c.name === node.name)?.hostSystem;
      devices.set(node.name, {
        name: node.name,
        ...(node.hostname === undefined ? {} : { host: node.hostname }),
        ...(node.sshUser === undefined ? {} : { user: node.sshUser }),
        ...(hostSystem === undefined ? {} : { system: hostSystem }),
        sources: ['flake'],
        flakeDir: flake.flakeDir,
        deployNode: node,
      });
    }
  }
  for (const setting of settings) {
    const existing = devices.get(setting.name);
    devices.set(setting.name, {
      ...existing,
      name: setting.name,
      host: setting.host,
      ...(setting.port === undefined ? {} : { port: setting.port }),
      ...(setting.user === undefined ? {} : { user: setting.user }),
      ...(setting.system === undefined ? {} : { system: setting.system }),
      ...(setting.serial === undefined ? {} : { serial: setting.serial }),
      ...(setting.humility === undefined ? {} : { humility: setting.humility }),
      sources: existing === undefined ? ['settings'] : [...existing.sources, 'settings'],
    });
  }
  return [...devices.values()].sort((a, b) => a.name.localeCompare(b.name));
}
