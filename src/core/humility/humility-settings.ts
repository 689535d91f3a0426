/**
 * Per-device humility settings, as the UI's settings and the CLI's flags give them, normalised
 * so a bad value never crashes anything: unknown keys are ignored, empty strings and malformed
 * probe values are dropped (humility then uses its own default, `auto`).
 */

export interface HumilitySettings {
  /** The Hubris archive (a .zip) on this machine; uploaded to a board when humility runs there. */
  readonly archive?: string;
  /** HUMILITY_PROBE: `auto`, `usb`, `usb-N`, `vid:pid[:serial]`, `ocd`, `ocdgdb`, `jlink`, `qemu`. */
  readonly probe?: string;
  /** HUMILITY_ENVIRONMENT: the environment file, a path where humility runs. */
  readonly environment?: string;
  /** HUMILITY_TARGET: a target of the environment file. */
  readonly target?: string;
  /** The humility program (a path or a name on PATH); default `humility`. */
  readonly command?: string;
}

/** The values humility's README documents for -p / HUMILITY_PROBE. */
export function isValidProbe(value: string): boolean {
  if (/^(auto|usb|ocd|ocdgdb|jlink|qemu)$/.test(value)) return true;
  if (/^usb-\d+$/.test(value)) return true;
  // probe-rs's DebugProbeSelector: hex VID:PID, optionally :SERIAL (any text without a colon).
  return /^[0-9a-fA-F]{1,4}:[0-9a-fA-F]{1,4}(:[^:\s]+)?$/.test(value);
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function normaliseHumilitySettings(raw: unknown): HumilitySettings {
  if (typeof raw !== 'object' || raw === null) return {};
  const get = (key: string): string | undefined => text(Reflect.get(raw, key));
  const probe = get('probe');
  const settings: { -readonly [K in keyof HumilitySettings]: HumilitySettings[K] } = {};
  const archive = get('archive');
  const environment = get('environment');
  const target = get('target');
  const command = get('command');
  if (archive !== undefined) settings.archive = archive;
  if (probe !== undefined && isValidProbe(probe)) settings.probe = probe;
  if (environment !== undefined) settings.environment = environment;
  if (target !== undefined) settings.target = target;
  if (command !== undefined) settings.command = command;
  return settings;
}

/** The HUMILITY_* variables for these settings; `archivePath` overrides the archive (a board's copy). */
export function humilityEnv(settings: HumilitySettings, archivePath: string | undefined = settings.archive): Record<string, string> {
  const env: Record<string, string> = {};
  if (archivePath !== undefined) env['HUMILITY_ARCHIVE'] = archivePath;
  if (settings.probe !== undefined) env['HUMILITY_PROBE'] = settings.probe;
  if (settings.environment !== undefined) env['HUMILITY_ENVIRONMENT'] = settings.environment;
  if (settings.target !== undefined) env['HUMILITY_TARGET'] = settings.target;
  return env;
}
