/**
 * Serial consoles from the palette, the Devices and Ports views and the terminal profile list;
 * their line settings; their logs; and booting a chosen generation from a device's console
 * (over SSH when the device answers, else the power-cycle rescue watched on the console).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { startBootGeneration } from '../../core/boot';
import { boardBootOperations, DEFAULT_BOARD_PATHS } from '../../core/deploy';
import type { Device } from '../../core/devices';
import { DevicesError } from '../../core/errors';
import { listPorts } from '../../core/ports';
import { BAUD_RATE_PRESETS, formatSerialFrame, parseSerialFrame, type FlowControl, type LineEnding } from '../../core/serial';
import type { Ctx } from '../ctx';
import { showJobProgress } from '../job-progress';
import type { SerialConsole, SerialConsoleRequest } from '../serial/serial-consoles';
import type { DeviceNode } from '../views/devices-tree';
import { promptPowerCycle } from './deploy';

/** What the views pass: a device node, a port row of the Ports view (its `port`), a `{ path }`, a path. */
type ConsoleArg = DeviceNode | { readonly path: string } | { readonly port?: { readonly path: string; readonly byIdPath?: string } } | string;

function requestFromArg(arg: ConsoleArg | undefined): SerialConsoleRequest | 'pick' {
  if (arg === undefined) return 'pick';
  if (typeof arg === 'string') return { path: arg };
  if ('kind' in arg && arg.kind === 'portItem') {
    // A port under a device in the Devices view: it is on the device, opened there over SSH.
    const port = arg.item.port;
    if (port === undefined) return 'pick';
    return { path: port.byIdPath ?? port.path, device: arg.device, onDevice: true };
  }
  if ('kind' in arg && 'device' in arg) {
    const serial = arg.device.serial;
    if (serial === undefined) throw new DevicesError('INVALID_SETTING', vscode.l10n.t('{0} has no serial console in settings: add "serial": {"port": "/dev/serial/by-id/…"} to its nixosDevices.devices entry.', arg.device.name), {
      actions: [{ title: vscode.l10n.t('Open Settings'), command: 'workbench.action.openSettings', args: ['nixosDevices.devices'] }],
    });
    return { path: serial.port, device: arg.device, onDevice: serial.onDevice };
  }
  if ('path' in arg) return { path: arg.path };
  if ('port' in arg && arg.port !== undefined) return { path: arg.port.byIdPath ?? arg.port.path };
  return 'pick';
}

interface PortPick extends vscode.QuickPickItem {
  readonly request?: SerialConsoleRequest;
  readonly enterPath?: true;
}

/** Devices with a console first, then this machine's ports, then "enter a path". */
export async function pickConsole(ctx: Ctx): Promise<SerialConsoleRequest | undefined> {
  const items: PortPick[] = [];
  for (const device of await ctx.devicesTree.devices()) {
    if (device.serial === undefined) continue;
    items.push({ label: `$(vm) ${device.name}`, description: `${device.serial.port} · ${formatSerialFrame(device.serial.options)}${device.serial.onDevice ? vscode.l10n.t(' · on the device') : ''}`, request: { path: device.serial.port, device, onDevice: device.serial.onDevice } });
  }
  const listing = await listPorts().catch(() => undefined);
  for (const port of listing?.ports ?? []) {
    const path = port.byIdPath ?? port.path;
    items.push({ label: `$(plug) ${path.split('/').pop() ?? path}`, description: [port.label, port.usb?.id].filter((x) => x !== undefined).join(' · '), detail: path, request: { path } });
  }
  items.push({ label: vscode.l10n.t('$(edit) Enter a port path…'), enterPath: true });
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Open Serial Console'), placeHolder: vscode.l10n.t('Port or device'), matchOnDescription: true, matchOnDetail: true });
  if (picked === undefined) return undefined;
  if (picked.request !== undefined) return picked.request;
  const path = await vscode.window.showInputBox({ title: vscode.l10n.t('Serial port'), placeHolder: '/dev/serial/by-id/usb-FTDI_…-if00-port0', validateInput: (v) => (v.startsWith('/') ? undefined : vscode.l10n.t('An absolute path, e.g. /dev/ttyUSB0')) });
  return path === undefined ? undefined : { path };
}

export function openSerialConsole(ctx: Ctx) {
  return async (arg?: ConsoleArg): Promise<void> => {
    let request = requestFromArg(arg);
    if (request === 'pick') {
      const picked = await pickConsole(ctx);
      if (picked === undefined) return;
      request = picked;
    }
    await ctx.serialConsoles.open(request);
  };
}

function activeConsole(ctx: Ctx): SerialConsole {
  const console = ctx.serialConsoles.active;
  if (console === undefined) throw new DevicesError('NOT_FOUND', vscode.l10n.t('No serial console is active: open one with NixOS Devices: Open Serial Console.'));
  return console;
}

async function pickBaud(current: number): Promise<number | undefined> {
  const items: (vscode.QuickPickItem & { baud?: number })[] = BAUD_RATE_PRESETS.map((baud) => ({ label: String(baud), baud, ...(baud === current ? { description: vscode.l10n.t('current') } : {}) }));
  items.push({ label: vscode.l10n.t('Other…') });
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Baud rate') });
  if (picked === undefined) return undefined;
  if (picked.baud !== undefined) return picked.baud;
  const typed = await vscode.window.showInputBox({ title: vscode.l10n.t('Baud rate'), value: String(current), validateInput: (v) => (/^[1-9]\d*$/.test(v.trim()) ? undefined : vscode.l10n.t('A positive whole number')) });
  return typed === undefined ? undefined : Number(typed.trim());
}

/** The status bar item's action: the active console's line settings and control lines. */
export function serialSettings(ctx: Ctx) {
  return async (): Promise<void> => {
    const console = activeConsole(ctx);
    const o = console.session.serialOptions;
    const caps = console.session.capabilities;
    type Action = () => Promise<void>;
    const items: (vscode.QuickPickItem & { action: Action })[] = [
      { label: vscode.l10n.t('Baud rate'), description: String(o.baudRate), action: async () => {
        const baud = await pickBaud(o.baudRate);
        if (baud !== undefined) await ctx.serialConsoles.setOptions(console, { baudRate: baud });
      } },
      { label: vscode.l10n.t('Data bits, parity, stop bits'), description: formatSerialFrame(o).split(' ')[1] ?? '', action: async () => {
        const text = await vscode.window.showInputBox({ title: vscode.l10n.t('Frame, e.g. 8N1 or 7E1'), value: formatSerialFrame(o).split(' ')[1] ?? '8N1' });
        if (text === undefined) return;
        const next = parseSerialFrame(text, o);
        await ctx.serialConsoles.setOptions(console, { dataBits: next.dataBits, parity: next.parity, stopBits: next.stopBits });
      } },
      { label: vscode.l10n.t('Flow control'), description: o.flowControl, action: async () => {
        const flows: FlowControl[] = ['none', 'rtscts', 'xonxoff'];
        const flow = await vscode.window.showQuickPick(flows, { title: vscode.l10n.t('Flow control') });
        if (flow !== undefined) await ctx.serialConsoles.setOptions(console, { flowControl: flow as FlowControl });
      } },
      { label: vscode.l10n.t('Enter sends'), description: o.lineEnding.toUpperCase(), action: async () => {
        const endings: LineEnding[] = ['cr', 'lf', 'crlf'];
        const ending = await vscode.window.showQuickPick(endings, { title: vscode.l10n.t('What Enter sends') });
        if (ending !== undefined) await ctx.serialConsoles.setOptions(console, { lineEnding: ending as LineEnding });
      } },
      { label: vscode.l10n.t('Local echo'), description: o.localEcho ? vscode.l10n.t('on') : vscode.l10n.t('off'), action: () => ctx.serialConsoles.setOptions(console, { localEcho: !o.localEcho }) },
      { label: vscode.l10n.t('Timestamps'), description: o.timestamps ? vscode.l10n.t('on') : vscode.l10n.t('off'), action: () => ctx.serialConsoles.setOptions(console, { timestamps: !o.timestamps }) },
      { label: vscode.l10n.t('Hex view'), description: o.hexView ? vscode.l10n.t('on') : vscode.l10n.t('off'), action: () => ctx.serialConsoles.setOptions(console, { hexView: !o.hexView }) },
    ];
    if (caps?.pulse === 'each') {
      items.push({ label: vscode.l10n.t('Pulse DTR (reset)'), action: () => console.session.pulse('dtr') }, { label: vscode.l10n.t('Pulse RTS'), action: () => console.session.pulse('rts') });
    } else if (caps?.pulse === 'both') {
      items.push({ label: vscode.l10n.t('Pulse DTR and RTS (hang up: the only control stty offers over SSH)'), action: () => console.session.pulse('both') });
    }
    if (caps?.setSignals === true) {
      items.push({ label: vscode.l10n.t('Set DTR and RTS…'), action: async () => {
        const picked = await vscode.window.showQuickPick([{ label: 'DTR', picked: true }, { label: 'RTS', picked: true }], { canPickMany: true, title: vscode.l10n.t('Lines to raise (the others are dropped)') });
        if (picked !== undefined) await console.session.setSignals({ dtr: picked.some((p) => p.label === 'DTR'), rts: picked.some((p) => p.label === 'RTS') });
      } });
    }
    if (caps?.sendBreak === true) items.push({ label: vscode.l10n.t('Send break'), action: () => console.session.sendBreak() });
    if (console.logPath !== undefined) items.push({ label: vscode.l10n.t('Open the log'), description: console.logPath, action: () => openLogFile(console.logPath ?? '') });
    const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('{0}: {1}', console.name, formatSerialFrame(o)) });
    await picked?.action();
  };
}

/** The u-boot helper's status bar button: stops autoboot on every console counting down. */
export function stopAutoboot(ctx: Ctx) {
  return async (): Promise<void> => {
    const helpers = ctx.serialConsoles.all.flatMap((c) => (c.helper?.autobootOffered === true ? [c.helper] : []));
    await Promise.all(helpers.map((h) => h.stopAutoboot()));
  };
}

/** Status bar shortcut: the baud rate only. */
export function changeBaudRate(ctx: Ctx) {
  return async (): Promise<void> => {
    const console = activeConsole(ctx);
    const baud = await pickBaud(console.session.serialOptions.baudRate);
    if (baud !== undefined) await ctx.serialConsoles.setOptions(console, { baudRate: baud });
  };
}

async function openLogFile(path: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(path));
  await vscode.languages.setTextDocumentLanguage(document, 'serial-log');
  await vscode.window.showTextDocument(document, { preview: false });
}

/** The active console's log, or a pick of the saved ones, newest first. */
export function openSerialLog(ctx: Ctx) {
  return async (): Promise<void> => {
    const active = ctx.serialConsoles.active;
    if (active?.logPath !== undefined) {
      await openLogFile(active.logPath);
      return;
    }
    const configured = ctx.config.settings.serialLogDirectory;
    const dir = configured === '' ? join(ctx.extension.globalStorageUri.fsPath, 'serial-logs') : configured;
    const names = await readdir(dir).catch(() => [] as string[]);
    const logs = await Promise.all(names.filter((n) => n.endsWith('.log')).map(async (name) => ({ name, mtime: (await stat(join(dir, name))).mtimeMs })));
    if (logs.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No serial console logs in {0} yet.', dir));
      return;
    }
    const picked = await vscode.window.showQuickPick(logs.sort((a, b) => b.mtime - a.mtime).map((l) => ({ label: l.name, description: new Date(l.mtime).toLocaleString() })), { title: vscode.l10n.t('Serial console logs') });
    if (picked !== undefined) await openLogFile(join(dir, picked.label));
  };
}

function generationOf(node: DeviceNode | undefined): { device: Device; generation: number } | undefined {
  if (node?.kind === 'generation') return { device: node.device, generation: node.generation.number };
  if (node?.kind === 'bootEntry' && node.row.generation !== undefined) return { device: node.device, generation: node.row.generation };
  return undefined;
}

/**
 * "Boot generation N": over SSH (next boot + reboot) when the device answers, else the seed's
 * rescue: power-cycle the board, the console halts u-boot's menu and chooses N.
 */
export function bootGeneration(ctx: Ctx) {
  return async (node?: DeviceNode): Promise<void> => {
    const target = generationOf(node);
    if (target === undefined) return;
    const { device, generation } = target;
    let console = ctx.serialConsoles.forDevice(device.name);
    if (console === undefined && device.serial !== undefined) console = await ctx.serialConsoles.open({ path: device.serial.port, device, onDevice: device.serial.onDevice });
    const status = ctx.devices.status(device);
    const known = status.state === 'online' ? status.generations : status.state === 'offline' ? status.last?.generations : undefined;
    const job = startBootGeneration({
      device: device.name,
      generation,
      operations: {
        ...boardBootOperations(ctx.devices.link(device), DEFAULT_BOARD_PATHS),
        powerCycle: (request, signal) => promptPowerCycle(request.message, signal),
      },
      ...(console?.helper === undefined ? {} : { console: console.helper }),
      ...(known?.bootMenu === undefined ? {} : { extlinuxMenu: known.bootMenu.menu }),
    });
    void showJobProgress(job, ctx.log);
    const outcome = await job.done;
    ctx.devicesTree.refresh(device);
    if (outcome.status !== 'succeeded') throw outcome.error;
    const how = outcome.value.via === 'ssh' ? vscode.l10n.t('rebooting into it') : vscode.l10n.t('chosen on the console ({0})', outcome.value.entry.text);
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} boots generation {1}: {2}.', device.name, generation, how));
  };
}
