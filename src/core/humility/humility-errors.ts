/**
 * humility's known failures, turned into errors that say what to do. The messages matched are
 * humility's own (humility-probes-core/src/lib.rs and humility-core's older core.rs in
 * oxidecomputer/humility; main.rs prints `humility SUBCOMMAND failed: ERROR` and exits 1):
 *  - "Could not find probe …  … permission to read USB device serial numbers …": the user may not
 *    open the probe's USB device → a udev rule for its VID:PID.
 *  - "USB link in use; is OpenOCD or another debugger running?" (libusb's Busy; probe-rs's own
 *    text is "… taking control over USB device: Resource busy") → the processes holding
 *    /dev/bus/usb/BBB/DDD.
 *  - "no debug probe found; is it plugged in?", "multiple USB probes detected; must explicitly
 *    append index (e.g., "-p usb-0")": a probe choice.
 * A missing program (ENOENT here, exit 127 through a shell on a board) says where humility comes
 * from: the flake's humility package, with an action to build it.
 */
import { DevicesError, type ErrorAction } from '../errors';
import type { PackageOutput } from '../nix';
import type { ProbeEntry, UsbId } from '../ports';
import type { UsbHolder } from './usb-holders';

/** ST-Link ids (../shared/DESIGN.md), for the udev rule when the probe is not known. */
const ST_LINK_IDS: readonly UsbId[] = ['0483:3748', '0483:374b', '0483:374a', '0483:3742', '0483:3752', '0483:374e', '0483:374f', '0483:3753', '0483:3754'];

export type HumilityFailureKind = 'permission' | 'busy' | 'no-probe' | 'several-probes';

export function classifyHumilityFailure(stderr: string): HumilityFailureKind | undefined {
  if (/permission to read USB device serial numbers|Access denied \(insufficient permissions\)/.test(stderr)) return 'permission';
  if (/USB link in use|Resource busy/.test(stderr)) return 'busy';
  if (/multiple USB probes detected/.test(stderr)) return 'several-probes';
  if (/no debug probe found|No probe found|NoProbeFound/i.test(stderr)) return 'no-probe';
  return undefined;
}

/** The udev rule that lets the `plugdev` group open a probe (the file goes in /etc/udev/rules.d). */
export function udevRuleFor(id: UsbId): string {
  const [vid, pid] = id.split(':');
  return `SUBSYSTEM=="usb", ATTR{idVendor}=="${vid ?? ''}", ATTR{idProduct}=="${pid ?? ''}", MODE="0660", GROUP="plugdev", TAG+="uaccess"`;
}

/** The same rules in NixOS configuration form. */
export function nixosUdevRules(ids: readonly UsbId[]): string {
  const rules = ids.map((id) => `    ${udevRuleFor(id)}`).join('\n');
  return `services.udev.extraRules = ''\n${rules}\n  '';\n  users.groups.plugdev = { };\n  users.users.<you>.extraGroups = [ "plugdev" ];`;
}

export interface HumilityFailureContext {
  /** "this machine" or the SSH target. */
  readonly where: string;
  readonly stderr: string;
  readonly exitCode: number | null;
  /** The probe HUMILITY_PROBE selected, when it is in the listing. */
  readonly probe?: ProbeEntry;
  /** The processes holding the probe's USB device (for 'busy'). */
  readonly holders?: readonly UsbHolder[];
}

/** A DevicesError for a known failure; undefined when humility's own message says enough. */
export function translateHumilityFailure(context: HumilityFailureContext): DevicesError | undefined {
  const kind = classifyHumilityFailure(context.stderr);
  const detail = context.stderr;
  switch (kind) {
    case 'permission': {
      const ids = context.probe === undefined ? ST_LINK_IDS : [context.probe.usb.id];
      const named = context.probe === undefined ? 'the probe' : `the ${context.probe.label} (${context.probe.usb.id})`;
      return new DevicesError(
        'PERMISSION_DENIED',
        `humility on ${context.where} may not open ${named}'s USB device, so it cannot read its serial number. Add a udev rule and re-plug the probe:\n${ids.map(udevRuleFor).join('\n')}\nOn NixOS:\n  ${nixosUdevRules(ids)}`,
        { detail },
      );
    }
    case 'busy': {
      const holders = context.holders ?? [];
      const who = holders.length === 0 ? 'another debugger (OpenOCD, probe-rs, another humility; a process of another user is only visible to root)' : holders.map((h) => `process ${String(h.pid)} (${h.command || '?'})`).join(', ');
      const named = context.probe === undefined ? 'The probe' : `The ${context.probe.label} (${context.probe.usb.id}${context.probe.usb.serialNumber === undefined ? '' : `, serial ${context.probe.usb.serialNumber}`})`;
      return new DevicesError('PORT_IN_USE', `${named} on ${context.where} is in use by ${who}. Stop it and run humility again.`, { detail });
    }
    case 'several-probes':
      return new DevicesError('INVALID_ARGUMENT', `Several debug probes are attached to ${context.where}: choose one (HUMILITY_PROBE as vid:pid:serial or usb-N).`, {
        detail,
        actions: [{ title: 'Choose Probe', command: 'nixosDevices.chooseHumilityProbe' }],
      });
    case 'no-probe':
      return new DevicesError('NOT_FOUND', `humility found no debug probe on ${context.where}. Check that the ST-Link is plugged in there (the Ports view lists it).`, { detail });
    case undefined:
      return undefined;
  }
}

/** The flake's humility packages, those built for `system` first (a cross package for a board). */
export function humilityPackages(packages: readonly PackageOutput[], system: string | undefined): PackageOutput[] {
  const humility = packages.filter((p) => p.name.startsWith('humility'));
  const runsOn = (p: PackageOutput): boolean => system !== undefined && (p.hostSystem ?? p.system) === system;
  return [...humility].sort((a, b) => Number(runsOn(b)) - Number(runsOn(a)));
}

export interface HumilityMissingContext {
  readonly where: string;
  readonly program: string;
  /** The flake's packages, when known. */
  readonly packages?: readonly PackageOutput[];
  /** The Nix system humility must run on (e.g. armv7l-linux for the board). */
  readonly system?: string;
  readonly cause?: unknown;
  readonly stderr?: string;
}

export function humilityMissingError(context: HumilityMissingContext): DevicesError {
  const candidates = humilityPackages(context.packages ?? [], context.system);
  const best = candidates[0];
  const runsThere = best !== undefined && context.system !== undefined && (best.hostSystem ?? best.system) === context.system;
  const from =
    best === undefined
      ? 'The flake has no package whose name starts with humility; add one (e.g. packages.x86_64-linux.humility-cross-armv7l-linux for a board) or set the humility command path in the device settings.'
      : runsThere || context.system === undefined
        ? `It comes from the flake's ${best.name} package (${best.attrPath}): build it, or set the humility command path in the device settings.`
        : `The flake's ${candidates.map((p) => p.name).join(', ')} ${candidates.length === 1 ? 'does' : 'do'} not run on ${context.system}; add a ${context.system} build (e.g. humility-cross-${context.system}).`;
  const actions: ErrorAction[] = best === undefined ? [] : [{ title: `Build ${best.name}`, command: 'nixosDevices.buildHumility', args: [best.attrPath] }];
  return new DevicesError('NOT_FOUND', `humility (${context.program}) is not installed on ${context.where}. ${from}`, {
    actions,
    ...(context.cause === undefined ? {} : { cause: context.cause }),
    ...(context.stderr === undefined ? {} : { detail: context.stderr }),
  });
}

