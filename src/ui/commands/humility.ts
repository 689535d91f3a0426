/**
 * humility from VS Code: Open Humility (a terminal per run, here or on a device over SSH, with the
 * device's HUMILITY_* settings), Choose Humility Probe (saved in the device's settings), and
 * Build Humility (the flake's humility package; for a board, copied into its store and set as the
 * device's humility command). Started from the palette, a probe row, a device's Probe node, or a
 * translated humility error's buttons.
 */
import * as vscode from 'vscode';
import type { Device } from '../../core/devices';
import { DevicesError, toDevicesError } from '../../core/errors';
import { humilityPackages, humilityProbeValue, installHumilityOnBoard, probeChoices, startHumility, type HumilitySettings } from '../../core/humility';
import { nixSystemOf, type PackageOutput } from '../../core/nix';
import type { PortListing, ProbeEntry } from '../../core/ports';
import { toAbortSignal } from '../cancellation';
import type { Ctx } from '../ctx';
import { writeDeviceHumility } from '../humility/device-humility-setting';
import { humilityTerminalName, probeDecision } from '../humility/humility-pick-model';
import type { HumilityTerminalOptions } from '../humility/humility-terminal';
import { askHumilityArgs, askProbe } from '../humility/humility-prompts';
import { channelLogger } from '../log';
import { showError } from '../show-error';
import type { DeviceNode } from '../views/devices-tree';
import { portItemOf } from './ports';

/** What Open Humility may be given besides a view row: for tests and other commands. */
export interface OpenHumilityRequest {
  /** The device whose humility settings apply. */
  readonly device?: string;
  /** Run here (default) or on the device over SSH. */
  readonly where?: 'local' | 'device';
  /** humility's arguments; asked for when absent. */
  readonly args?: readonly string[];
  /** HUMILITY_PROBE for this run. */
  readonly probe?: string;
}

interface HumilityTarget {
  /** Whose settings apply; undefined: none. */
  readonly device: Device | undefined;
  /** On the device over SSH, else here. */
  readonly remote: boolean;
  /** A probe chosen by clicking it. */
  readonly probe?: ProbeEntry;
  readonly probeValue?: string;
  readonly args?: readonly string[];
}

function isDeviceNode(arg: unknown): arg is DeviceNode {
  return typeof arg === 'object' && arg !== null && typeof Reflect.get(arg, 'device') === 'object' && typeof Reflect.get(arg, 'kind') === 'string';
}

function settingsOf(ctx: Ctx, device: Device | undefined): HumilitySettings {
  if (device === undefined) return {};
  return ctx.config.settings.devices.find((d) => d.name === device.name)?.humility ?? {};
}

async function deviceNamed(ctx: Ctx, name: string): Promise<Device> {
  const device = (await ctx.devicesTree.devices()).find((d) => d.name === name);
  if (device === undefined) throw new DevicesError('NOT_FOUND', vscode.l10n.t('There is no device named {0} (devices come from deploy.nodes and nixosDevices.devices).', name));
  return device;
}

/** For a run here: the device whose humility settings apply (the one with any, or a choice). */
async function pickSettingsDevice(ctx: Ctx): Promise<Device | undefined | null> {
  const devices = await ctx.devicesTree.devices();
  const withSettings = devices.filter((d) => Object.keys(settingsOf(ctx, d)).length > 0);
  if (withSettings.length === 0) return undefined;
  if (withSettings.length === 1) return withSettings[0];
  const items: (vscode.QuickPickItem & { device: Device | undefined })[] = withSettings.map((d) => ({ label: d.name, description: d.host ?? '', device: d }));
  items.push({ label: vscode.l10n.t('No device settings'), description: vscode.l10n.t("humility's defaults"), device: undefined });
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Humility'),
    placeHolder: vscode.l10n.t('Whose humility settings (archive, probe, environment)?'),
  });
  return picked === undefined ? null : picked.device;
}

async function resolveTarget(ctx: Ctx, arg: unknown): Promise<HumilityTarget | undefined> {
  if (isDeviceNode(arg)) {
    const probe = portItemOf(arg)?.probe;
    return { device: arg.device, remote: true, ...(probe === undefined ? {} : { probe }) };
  }
  const item = portItemOf(arg);
  if (item !== undefined) {
    const device = await pickSettingsDevice(ctx);
    if (device === null) return undefined;
    return { device, remote: false, ...(item.probe === undefined ? {} : { probe: item.probe }) };
  }
  if (typeof arg === 'object' && arg !== null) {
    const request = arg as OpenHumilityRequest;
    const device = request.device === undefined ? undefined : await deviceNamed(ctx, request.device);
    if (request.where === 'device' && device === undefined) throw new DevicesError('INVALID_ARGUMENT', 'Open Humility on a device needs the device name.');
    return { device, remote: request.where === 'device', ...(request.args === undefined ? {} : { args: request.args }), ...(request.probe === undefined ? {} : { probeValue: request.probe }) };
  }
  const devices = (await ctx.devicesTree.devices()).filter((d) => d.host !== undefined);
  const items: (vscode.QuickPickItem & { device: Device | undefined })[] = [{ label: vscode.l10n.t('This machine'), description: vscode.l10n.t('probes plugged in here'), device: undefined }];
  items.push(...devices.map((d) => ({ label: d.name, description: vscode.l10n.t('over SSH ({0})', d.host ?? ''), device: d })));
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Humility'),
    placeHolder: vscode.l10n.t('Where does humility run (where the probe is plugged in)?'),
  });
  if (picked === undefined) return undefined;
  if (picked.device !== undefined) return { device: picked.device, remote: true };
  const device = await pickSettingsDevice(ctx);
  return device === null ? undefined : { device, remote: false };
}

async function listingFor(ctx: Ctx, target: HumilityTarget): Promise<PortListing | undefined> {
  try {
    return target.remote && target.device !== undefined ? await ctx.devicesTree.devicePorts.listing(target.device) : await ctx.portsTree.listing();
  } catch (error) {
    ctx.log.warn(`humility: could not list the probes: ${String(error)}`);
    return undefined;
  }
}

async function flakePackages(ctx: Ctx): Promise<PackageOutput[] | undefined> {
  if (!ctx.flakes.trusted) return undefined;
  return (await ctx.flakes.allOutputs().catch(() => [])).flatMap((o) => o.packages);
}

/** The translated error's buttons, told where this run was (so Build installs on the board and
 * Choose Probe writes the right device). */
function withRunContext(error: unknown, target: HumilityTarget): unknown {
  const e = toDevicesError(error);
  if (e.actions.length === 0 || target.device === undefined) return error;
  const deviceName = target.device.name;
  const actions = e.actions.map((action) => {
    if (action.command === 'nixosDevices.buildHumility') return { ...action, args: [action.args?.[0], target.remote ? deviceName : undefined] };
    if (action.command === 'nixosDevices.chooseHumilityProbe') return { ...action, args: [deviceName, target.remote ? 'device' : 'local'] };
    return action;
  });
  return new DevicesError(e.code, e.message, { actions, cause: e, ...(e.detail === undefined ? {} : { detail: e.detail }) });
}

/** Asks what to run and where; the terminal's name and run, or undefined when dismissed. */
async function prepareHumility(ctx: Ctx, arg: unknown): Promise<{ name: string; options: HumilityTerminalOptions } | undefined> {
  const target = await resolveTarget(ctx, arg);
  if (target === undefined) return undefined;
  const where = target.remote && target.device !== undefined ? target.device.name : vscode.l10n.t('this machine');
  let settings = settingsOf(ctx, target.device);
  let args = target.args;
  let needsProbe = true;
  if (args === undefined) {
    const asked = await askHumilityArgs(settings.archive !== undefined);
    if (asked === undefined) return undefined;
    args = asked.args;
    needsProbe = asked.needsProbe;
  }
  const listing = await listingFor(ctx, target);
  const probes = listing?.probes ?? [];
  const chosen = target.probeValue ?? (target.probe === undefined ? undefined : humilityProbeValue(target.probe, probes.length === 0 ? [target.probe] : probes));
  if (chosen !== undefined) settings = { ...settings, probe: chosen };
  else {
    const decision = probeDecision(settings.probe, probes, needsProbe);
    if (decision.kind === 'pick') {
      const choice = await askProbe(decision.choices, where);
      if (choice === undefined) return undefined;
      settings = { ...settings, probe: choice.value };
    }
  }
  const packages = await flakePackages(ctx);
  const system = target.remote ? target.device?.system : nixSystemOf(process.arch, process.platform);
  const logger = channelLogger(ctx.log);
  const finalArgs = [...args];
  const env = Object.entries({ HUMILITY_PROBE: settings.probe, HUMILITY_ARCHIVE: settings.archive, HUMILITY_ENVIRONMENT: settings.environment, HUMILITY_TARGET: settings.target })
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v ?? ''}`);
  const banner = `${[...env, settings.command ?? 'humility', ...finalArgs].join(' ')}\n${vscode.l10n.t('on {0}{1}', where, target.remote ? vscode.l10n.t(' over SSH') : '')}`;
  return {
    name: humilityTerminalName(finalArgs, target.remote ? where : undefined),
    options: {
      banner,
      start: async () => {
        const connection = target.remote && target.device !== undefined ? await ctx.devices.link(target.device).connection() : undefined;
        return startHumility({
          settings,
          args: finalArgs,
          logger,
          ...(connection === undefined ? {} : { connection }),
          ...(listing === undefined ? {} : { probes: listing.probes }),
          ...(packages === undefined ? {} : { packages }),
          ...(system === undefined ? {} : { system }),
          onArchive: (upload) => ctx.log.info(`humility: archive ${upload.uploaded ? 'uploaded to' : 'already at'} ${upload.remotePath}`),
        });
      },
      onError: (error) => {
        void showError(withRunContext(error, target), ctx.log, vscode.l10n.t('humility on {0}', where));
      },
    },
  };
}

export function openHumility(ctx: Ctx) {
  return async (arg?: unknown): Promise<void> => {
    const prepared = await prepareHumility(ctx, arg);
    if (prepared !== undefined) ctx.humility.show(prepared.name, prepared.options);
  };
}

/** The "Humility" entry of the terminal profile dropdown: the same questions as Open Humility.
 * Registered by the composition root (package.json contributes terminal.profiles). */
export function humilityTerminalProfileProvider(ctx: Ctx): vscode.TerminalProfileProvider {
  return {
    provideTerminalProfile: async () => {
      try {
        const prepared = await prepareHumility(ctx, undefined);
        return prepared === undefined ? undefined : ctx.humility.profile(prepared.name, prepared.options);
      } catch (error) {
        await showError(error, ctx.log, 'Humility');
        return undefined;
      }
    },
  };
}

export function chooseHumilityProbe(ctx: Ctx) {
  return async (arg?: unknown, whereArg?: unknown): Promise<void> => {
    let device: Device | undefined;
    let remote = whereArg === 'device';
    if (isDeviceNode(arg)) {
      device = arg.device;
      remote = true;
    } else if (typeof arg === 'string') device = await deviceNamed(ctx, arg);
    else {
      const devices = await ctx.devicesTree.devices();
      if (devices.length === 0) throw new DevicesError('NOT_FOUND', vscode.l10n.t('No devices: the probe choice is saved in a device\'s settings. Add a device first.'), { actions: [{ title: vscode.l10n.t('Add Device'), command: 'nixosDevices.addDevice' }] });
      const picked = devices.length === 1 ? { device: devices[0] } : await vscode.window.showQuickPick(devices.map((d) => ({ label: d.name, description: d.host ?? '', device: d })), { title: vscode.l10n.t('Choose Humility Probe'), placeHolder: vscode.l10n.t('For which device?') });
      device = picked?.device;
    }
    if (device === undefined) return;
    const where = remote ? device.name : vscode.l10n.t('this machine');
    const listing = remote ? await ctx.devicesTree.devicePorts.listing(device) : await ctx.portsTree.listing();
    const current = settingsOf(ctx, device).probe;
    const choices = probeChoices(listing.probes);
    const clear: vscode.QuickPickItem & { value?: string } = { label: vscode.l10n.t('humility\'s default'), description: vscode.l10n.t('no HUMILITY_PROBE: humility finds the one probe itself') };
    const items: (vscode.QuickPickItem & { value?: string })[] = choices.map((c) => ({ label: c.label, description: `${c.description}${c.value === current ? ` · ${vscode.l10n.t('current')}` : ''}`, detail: `HUMILITY_PROBE=${c.value}`, value: c.value }));
    const picked = await vscode.window.showQuickPick(
      [...items, clear],
      { title: vscode.l10n.t('Debug probe for {0} (on {1})', device.name, where), placeHolder: choices.length === 0 ? vscode.l10n.t('No debug probes are attached to {0}.', where) : vscode.l10n.t('Saved as humility.probe in the device\'s settings') },
    );
    if (picked === undefined) return;
    await writeDeviceHumility(device, 'probe', picked.value);
  };
}

export function buildHumility(ctx: Ctx) {
  return async (attrArg?: unknown, deviceArg?: unknown): Promise<void> => {
    const outputs = await ctx.flakes.allOutputs();
    const all = outputs.flatMap((o) => o.packages.map((p) => ({ flakeDir: o.flakeDir, pkg: p })));
    let attrPath = typeof attrArg === 'string' ? attrArg : undefined;
    if (attrPath === undefined) {
      const humility = humilityPackages(all.map((a) => a.pkg), undefined);
      if (humility.length === 0) throw new DevicesError('NOT_FOUND', vscode.l10n.t('The flake has no package whose name starts with humility.'));
      const picked = await vscode.window.showQuickPick(humility.map((p) => ({ label: p.name, description: p.hostSystem ?? p.system, detail: p.attrPath, p })), { title: vscode.l10n.t('Build Humility') });
      if (picked === undefined) return;
      attrPath = picked.p.attrPath;
    }
    const found = all.find((a) => a.pkg.attrPath === attrPath);
    if (found === undefined) throw new DevicesError('NOT_FOUND', vscode.l10n.t('No flake in the workspace has the package {0}.', attrPath));
    const runsOn = found.pkg.hostSystem ?? found.pkg.system;
    const local = nixSystemOf(process.arch, process.platform);
    let device = typeof deviceArg === 'string' ? await deviceNamed(ctx, deviceArg) : undefined;
    if (device === undefined && runsOn !== local) {
      const boards = (await ctx.devicesTree.devices()).filter((d) => d.system === runsOn && d.host !== undefined);
      if (boards.length === 1) device = boards[0];
      else if (boards.length > 1) {
        const picked = await vscode.window.showQuickPick(boards.map((d) => ({ label: d.name, description: d.host ?? '', device: d })), { title: vscode.l10n.t('Install {0} on which device?', found.pkg.name) });
        if (picked === undefined) return;
        device = picked.device;
      }
    }
    await vscode.commands.executeCommand('nixosDevices.build', { flakeDir: found.flakeDir, attrPath });
    if (device === undefined) return;
    const board = device;
    const program = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Copying {0} to {1}…', found.pkg.name, board.name), cancellable: true },
      async (_progress, token) => {
        const abort = toAbortSignal(token);
        try {
          const connection = await ctx.devices.link(board).connection(abort.signal);
          return await installHumilityOnBoard(ctx.flakes.nixCli, connection, { flakeDir: found.flakeDir, attrPath, signal: abort.signal, logger: channelLogger(ctx.log) });
        } finally {
          abort.dispose();
        }
      },
    );
    await writeDeviceHumility(board, 'command', program);
    void vscode.window.showInformationMessage(vscode.l10n.t('humility is on {0} at {1}; the device\'s humility command now points to it.', board.name, program));
  };
}
