/**
 * The extension's settings as typed, read-only values, with normalisers that turn any raw value
 * (a hand-edited settings.json can hold anything) into a valid one or the default: a bad value
 * never crashes a feature. ui/config.ts reads the raw values; everything else gets these.
 */
import { normaliseHumilitySettings, type HumilitySettings } from '../humility/humility-settings';
import { DEFAULT_SERIAL_OPTIONS, normaliseSerialOptions, type SerialOptions } from '../serial/serial-options';

/** The serial console of a device: a local port (or one on the device, see `onDevice`). */
export interface DeviceSerialSetting {
  /** /dev/serial/by-id/… (survives re-enumeration), /dev/ttyUSB0, or a pty path. */
  readonly port: string;
  /** The port is on the device itself (its USB adapter), reached over SSH; default: this machine. */
  readonly onDevice: boolean;
  readonly options: SerialOptions;
}

export interface DeviceSetting {
  readonly name: string;
  readonly host: string;
  readonly port?: number;
  readonly user?: string;
  readonly system?: string;
  /** humility's HUMILITY_* settings for the probe attached to this device (or to this machine). */
  readonly humility?: HumilitySettings;
  readonly serial?: DeviceSerialSetting;
}

export interface Settings {
  readonly nixPath: string;
  /** Environment overrides for nix; `undefined` removes a variable. */
  readonly nixEnvironment: Readonly<Record<string, string | undefined>>;
  readonly flakePaths: readonly string[];
  readonly maxDiscoveredFlakes: number;
  /** Run `nix flake check --no-build` after saving a flake's .nix file (it evaluates every output). */
  readonly checkOnSave: boolean;
  readonly devices: readonly DeviceSetting[];
  /** Out-links of builds go to `<flake>/<outLinkDir>/<attr>`; empty: no out-links. */
  readonly buildOutLinkDir: string;
  /** `--builders` for remote builders, e.g. `ssh://builder aarch64-linux`. */
  readonly buildBuilders: string;
  /** Build on another machine's store (`ssh-ng://host`); empty builds here. */
  readonly buildHost: string;
  readonly buildExtraArgs: readonly string[];
  /** Offer loop devices and plain files as flash targets (never a system disk). */
  readonly flashAllowNonRemovable: boolean;
  readonly flashVerify: boolean;
  /** How to get root for a device the user cannot write. */
  readonly flashElevation: 'pkexec' | 'sudo';
  /** Line settings of a serial console without per-device ones (115200 8N1). */
  readonly serialDefaults: SerialOptions;
  /** Keep a log file of every console: exactly the bytes received. */
  readonly serialLog: boolean;
  /** Where console logs go; empty: the extension's storage folder. */
  readonly serialLogDirectory: string;
  /** Recognise u-boot on consoles: offer Stop Autoboot, halt the boot menu and ask what to boot. */
  readonly serialUBootHelper: boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  nixPath: 'nix',
  nixEnvironment: {},
  flakePaths: [],
  maxDiscoveredFlakes: 20,
  checkOnSave: false,
  devices: [],
  buildOutLinkDir: '.nixos-devices/results',
  buildBuilders: '',
  buildHost: '',
  buildExtraArgs: [],
  flashAllowNonRemovable: false,
  flashVerify: true,
  flashElevation: 'pkexec',
  serialDefaults: DEFAULT_SERIAL_OPTIONS,
  serialLog: true,
  serialLogDirectory: '',
  serialUBootHelper: true,
};

/** Keys as they appear under `nixosDevices.` in settings.json. */
export const SETTING_KEYS = {
  nixPath: 'nix.path',
  nixEnvironment: 'nix.environment',
  flakePaths: 'flake.paths',
  maxDiscoveredFlakes: 'flake.maxDiscovered',
  checkOnSave: 'check.onSave',
  devices: 'devices',
  buildOutLinkDir: 'build.outLinkDir',
  buildBuilders: 'build.builders',
  buildHost: 'build.buildHost',
  buildExtraArgs: 'build.extraArgs',
  flashAllowNonRemovable: 'flash.allowNonRemovable',
  flashVerify: 'flash.verify',
  flashElevation: 'flash.elevation',
  serialDefaults: 'serial.defaults',
  serialLog: 'serial.log',
  serialLogDirectory: 'serial.logDirectory',
  serialUBootHelper: 'serial.ubootHelper',
} as const satisfies Record<keyof Settings, string>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function normaliseString(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.trim().length > 0 ? value.trim() : fallback;
}

export function normaliseInteger(value: unknown, fallback: number, min: number, max: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : fallback;
}

export function normaliseStringList(value: unknown): readonly string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim().length > 0).map((v) => v.trim()) : [];
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function normaliseEnvironment(value: unknown): Readonly<Record<string, string | undefined>> {
  if (!isRecord(value)) return {};
  const env: Record<string, string | undefined> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!ENV_NAME.test(key)) continue;
    if (typeof v === 'string') env[key] = v;
    else if (v === null) env[key] = undefined;
  }
  return env;
}

/** `serial` of a device entry; `baud` is accepted for `baudRate` (what people write first). */
export function normaliseDeviceSerial(value: unknown, defaults: SerialOptions = DEFAULT_SERIAL_OPTIONS): DeviceSerialSetting | undefined {
  if (!isRecord(value)) return undefined;
  const port = normaliseString(value['port'], '');
  if (port === '') return undefined;
  const raw = value['baudRate'] === undefined && value['baud'] !== undefined ? { ...value, baudRate: value['baud'] } : value;
  return { port, onDevice: value['onDevice'] === true, options: normaliseSerialOptions(raw, defaults) };
}

export function normaliseDevices(value: unknown, serialDefaults: SerialOptions = DEFAULT_SERIAL_OPTIONS): readonly DeviceSetting[] {
  if (!Array.isArray(value)) return [];
  const devices: DeviceSetting[] = [];
  const seen = new Set<string>();
  for (const raw of value) {
    if (!isRecord(raw)) continue;
    const name = normaliseString(raw['name'], '');
    const host = normaliseString(raw['host'], '');
    if (name === '' || host === '' || seen.has(name)) continue;
    seen.add(name);
    const port = normaliseInteger(raw['port'], 0, 1, 65535);
    const user = normaliseString(raw['user'], '');
    const system = normaliseString(raw['system'], '');
    const humility = normaliseHumilitySettings(raw['humility']);
    const serial = normaliseDeviceSerial(raw['serial'], serialDefaults);
    devices.push({
      name,
      host,
      ...(port === 0 ? {} : { port }),
      ...(user === '' ? {} : { user }),
      ...(system === '' ? {} : { system }),
      ...(Object.keys(humility).length === 0 ? {} : { humility }),
      ...(serial === undefined ? {} : { serial }),
    });
  }
  return devices;
}

/** Builds Settings from a raw getter (`key` without the `nixosDevices.` prefix). */
export function readSettings(get: (key: string) => unknown): Settings {
  const serialDefaults = normaliseSerialOptions(get(SETTING_KEYS.serialDefaults));
  return {
    nixPath: normaliseString(get(SETTING_KEYS.nixPath), DEFAULT_SETTINGS.nixPath),
    nixEnvironment: normaliseEnvironment(get(SETTING_KEYS.nixEnvironment)),
    flakePaths: normaliseStringList(get(SETTING_KEYS.flakePaths)),
    maxDiscoveredFlakes: normaliseInteger(get(SETTING_KEYS.maxDiscoveredFlakes), DEFAULT_SETTINGS.maxDiscoveredFlakes, 1, 200),
    checkOnSave: get(SETTING_KEYS.checkOnSave) === true,
    devices: normaliseDevices(get(SETTING_KEYS.devices), serialDefaults),
    buildOutLinkDir: typeof get(SETTING_KEYS.buildOutLinkDir) === 'string' ? String(get(SETTING_KEYS.buildOutLinkDir)).trim() : DEFAULT_SETTINGS.buildOutLinkDir,
    buildBuilders: normaliseString(get(SETTING_KEYS.buildBuilders), ''),
    buildHost: normaliseString(get(SETTING_KEYS.buildHost), ''),
    buildExtraArgs: normaliseStringList(get(SETTING_KEYS.buildExtraArgs)),
    flashAllowNonRemovable: get(SETTING_KEYS.flashAllowNonRemovable) === true,
    flashVerify: get(SETTING_KEYS.flashVerify) !== false,
    flashElevation: get(SETTING_KEYS.flashElevation) === 'sudo' ? 'sudo' : 'pkexec',
    serialDefaults,
    serialLog: get(SETTING_KEYS.serialLog) !== false,
    serialLogDirectory: typeof get(SETTING_KEYS.serialLogDirectory) === 'string' ? String(get(SETTING_KEYS.serialLogDirectory)).trim() : '',
    serialUBootHelper: get(SETTING_KEYS.serialUBootHelper) !== false,
  };
}
