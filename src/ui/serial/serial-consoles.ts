/**
 * The open serial consoles of this window: one integrated terminal each, several side by side.
 * Opens a console on a local port or on a port of a device reached over SSH, with the device's
 * line settings (or nixosDevices.serial.defaults), a log file when logging is on, and the u-boot
 * helper when it is enabled. A status bar item shows the active console's port and line settings
 * (click: change them). One port registry, so a second console on the same port is refused with
 * the name of the one that holds it.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { UBootConsoleHelper } from '../../core/boot';
import type { Device } from '../../core/devices';
import { formatSerialFrame, SerialPortRegistry, SerialSession, serialLogFileName, type SerialEndpoint, type SerialOptions } from '../../core/serial';
import type { Config } from '../config';
import type { DeviceConnections } from '../devices/device-connections';
import { channelLogger } from '../log';
import { showError } from '../show-error';
import { SerialTerminal } from './serial-terminal';
import { attachUBootHelperUi } from './uboot-helper-ui';

export interface SerialConsoleRequest {
  /** The port: a local path, or a path on `device` when `onDevice`. */
  readonly path: string;
  readonly device?: Device;
  readonly onDevice?: boolean;
  /** Line settings; default: the device's, else nixosDevices.serial.defaults. */
  readonly options?: SerialOptions;
}

export interface SerialConsole {
  readonly name: string;
  readonly device?: Device;
  readonly session: SerialSession;
  /** The integrated terminal; set once VS Code created it (a profile's terminal comes later). */
  terminal: vscode.Terminal | undefined;
  readonly pty: SerialTerminal;
  readonly helper?: UBootConsoleHelper;
  readonly logPath?: string;
}

export class SerialConsoles implements vscode.Disposable {
  private readonly registry = new SerialPortRegistry();
  private readonly consoles = new Set<SerialConsole>();
  private readonly status = vscode.window.createStatusBarItem('nixosDevices.serial', vscode.StatusBarAlignment.Right, 90);
  private readonly disposables: vscode.Disposable[] = [this.status];
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a console opens, closes or changes its line settings. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly extension: vscode.ExtensionContext,
    private readonly config: Config,
    private readonly devices: DeviceConnections,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.status.name = vscode.l10n.t('Serial Console');
    this.status.command = 'nixosDevices.serialSettings';
    this.disposables.push(this.changed);
    vscode.window.onDidChangeActiveTerminal(() => this.updateStatus(), undefined, this.disposables);
  }

  /** Every open console, oldest first. */
  get all(): readonly SerialConsole[] {
    return [...this.consoles];
  }

  /** The console of the active terminal, else the only one open. */
  get active(): SerialConsole | undefined {
    const terminal = vscode.window.activeTerminal;
    return this.all.find((c) => c.terminal === terminal) ?? (this.consoles.size === 1 ? this.all[0] : undefined);
  }

  /** The open console of a device, if any (the boot rescue watches it). */
  forDevice(name: string): SerialConsole | undefined {
    return this.all.find((c) => c.device?.name === name);
  }

  /** Opens a console in a new terminal, or shows the one already open on that port. */
  async open(request: SerialConsoleRequest): Promise<SerialConsole> {
    const existing = this.all.find((c) => c.session.endpoint.path === request.path && (c.device?.name === request.device?.name || request.onDevice !== true));
    if (existing?.terminal !== undefined) {
      existing.terminal.show();
      return existing;
    }
    const console = await this.prepare(request);
    console.terminal = vscode.window.createTerminal({ name: this.terminalName(console), pty: console.pty, iconPath: new vscode.ThemeIcon('plug') });
    console.terminal.show();
    this.updateStatus();
    return console;
  }

  /** For the terminal profile list ("Serial Console"): VS Code creates the terminal itself. */
  async profile(request: SerialConsoleRequest): Promise<vscode.TerminalProfile> {
    const console = await this.prepare(request);
    const sub = vscode.window.onDidOpenTerminal((terminal) => {
      if ((terminal.creationOptions as vscode.ExtensionTerminalOptions).pty !== console.pty) return;
      console.terminal = terminal;
      sub.dispose();
      this.updateStatus();
    });
    this.disposables.push(sub);
    return new vscode.TerminalProfile({ name: this.terminalName(console), pty: console.pty, iconPath: new vscode.ThemeIcon('plug') });
  }

  private terminalName(console: SerialConsole): string {
    return vscode.l10n.t('Serial: {0}', console.name);
  }

  private async prepare(request: SerialConsoleRequest): Promise<SerialConsole> {
    const settings = this.config.settings;
    const options = request.options ?? request.device?.serial?.options ?? settings.serialDefaults;
    const endpoint = this.endpointOf(request);
    const name = request.device === undefined ? request.path.split('/').pop() ?? request.path : `${request.device.name} (${request.path.split('/').pop() ?? request.path})`;
    const logPath = settings.serialLog ? await this.logPathFor(request.path, options) : undefined;
    const session = new SerialSession(endpoint, {
      serial: options,
      name: vscode.l10n.t('the serial console "{0}"', name),
      registry: this.registry,
      logger: channelLogger(this.log),
      ...(logPath === undefined ? {} : { log: { path: logPath, timestamps: options.timestamps } }),
    });
    const helper = settings.serialUBootHelper ? new UBootConsoleHelper(session) : undefined;
    let helperUi: vscode.Disposable | undefined;
    const pty: SerialTerminal = new SerialTerminal(
      session,
      (error) => {
        void showError(error, this.log).then(() => pty.end());
      },
      () => {
        this.consoles.delete(console);
        helperUi?.dispose();
        helper?.dispose();
        this.updateStatus();
      },
    );
    const console: SerialConsole = { name, session, terminal: undefined, pty, ...(request.device === undefined ? {} : { device: request.device }), ...(helper === undefined ? {} : { helper }), ...(logPath === undefined ? {} : { logPath }) };
    this.consoles.add(console);
    if (helper !== undefined) helperUi = attachUBootHelperUi(helper, name, pty);
    return console;
  }

  /** Changes a console's line settings at runtime (the status bar's baud picker). */
  async setOptions(console: SerialConsole, changes: Partial<SerialOptions>): Promise<void> {
    await console.session.setOptions(changes);
    console.pty.note(`${formatSerialFrame(console.session.serialOptions)}`);
    this.updateStatus();
  }

  private endpointOf(request: SerialConsoleRequest): SerialEndpoint {
    const device = request.device;
    if (request.onDevice === true && device !== undefined) {
      return { kind: 'remote', path: request.path, deviceName: device.name, connection: () => this.devices.link(device).connection() };
    }
    return { kind: 'local', path: request.path };
  }

  private async logPathFor(path: string, options: SerialOptions): Promise<string> {
    const configured = this.config.settings.serialLogDirectory;
    const dir = configured === '' ? join(this.extension.globalStorageUri.fsPath, 'serial-logs') : configured;
    await mkdir(dir, { recursive: true });
    // .serial.log: VS Code opens it with the console grammar (syntaxes/serial-log.tmLanguage.json).
    return join(dir, serialLogFileName(path, new Date(), options.timestamps).replace(/\.log$/, '.serial.log'));
  }

  private updateStatus(): void {
    const active = this.active;
    if (active === undefined) {
      this.status.hide();
    } else {
      const options = active.session.serialOptions;
      this.status.text = `$(plug) ${active.session.endpoint.path.split('/').pop() ?? ''} ${formatSerialFrame(options)}`;
      this.status.tooltip = vscode.l10n.t('{0}: {1}. Click to change the baud rate and other line settings.', active.session.title, formatSerialFrame(options));
      this.status.show();
    }
    this.changed.fire();
  }

  dispose(): void {
    for (const c of this.consoles) {
      c.helper?.dispose();
      void c.session.close();
      c.terminal?.dispose();
    }
    this.consoles.clear();
    this.disposables.forEach((d) => {
      d.dispose();
    });
  }
}
