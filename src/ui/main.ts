/**
 * The extension proper, bundled apart (dist/extension-main.js) and loaded by the activation entry
 * (src/extension.ts) on first use: a view shown, a command run, a task listed, a terminal profile
 * picked, a Build view restored, a Nix document opened. Builds the context every feature shares
 * and the handlers the entry's registrations call. No logic lives here.
 */
import * as vscode from 'vscode';
import { SshPool } from '../core/remote';
import { BuildStatusBar } from './build/build-status-bar';
import { NixTaskProvider } from './build/nix-task-provider';
import { commandHandlers, type CommandHandler } from './commands';
import type { CommandId } from './commands/command-ids';
import { humilityTerminalProfileProvider } from './commands/humility';
import { Config } from './config';
import type { Ctx } from './ctx';
import { DeviceConnections } from './devices/device-connections';
import { FlakeCheckRunner } from './flake/flake-check-runner';
import { FlakeWorkspace } from './flake/flake-workspace';
import { HumilityTerminals } from './humility/humility-terminals';
import { channelLogger } from './log';
import { confirmUnknownHost, secretAsker } from './remote/ssh-prompts';
import { SerialConsoles } from './serial/serial-consoles';
import { serialTerminalProfileProvider } from './serial/terminal-profile';
import { DevicesTreeProvider } from './views/devices-tree';
import { FlakeTreeProvider } from './views/flake-tree';
import { PortsTreeProvider } from './views/ports-tree';
import { BuildPanel } from './webviews/build-panel';

/** What the activation entry's registrations delegate to. */
export interface LoadedExtension {
  readonly ctx: Ctx;
  readonly commands: ReadonlyMap<CommandId, CommandHandler>;
  readonly tasks: vscode.TaskProvider;
  readonly serialProfile: vscode.TerminalProfileProvider;
  readonly humilityProfile: vscode.TerminalProfileProvider;
  readonly reviveBuildView: (panel: vscode.WebviewPanel) => void;
}

export function loadExtension(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): LoadedExtension {
  const config = new Config();
  const flakes = new FlakeWorkspace(config, log);
  const flakeTree = new FlakeTreeProvider(flakes);
  const flakeCheck = new FlakeCheckRunner(flakes, config, log);
  const poolOptions = { confirmUnknownHost, askSecret: secretAsker(context.secrets), logger: channelLogger(log) };
  const pool = new SshPool(poolOptions);
  const devices = new DeviceConnections(pool, context.workspaceState, (configFile) => new SshPool({ ...poolOptions, resolve: { configFile } }));
  context.subscriptions.push({ dispose: () => void Promise.all([pool.close(), devices.close()]) });
  const devicesTree = new DevicesTreeProvider(flakes, config, devices);
  // The Ports view also lists the consoles settings name on this machine (ptys, a simulated board).
  const localConsoles = async (): Promise<{ device: string; path: string }[]> =>
    config.settings.devices.flatMap((d) => (d.serial === undefined || d.serial.onDevice ? [] : [{ device: d.name, path: d.serial.port }]));
  const portsTree = new PortsTreeProvider(channelLogger(log), () => config.settings.flashAllowNonRemovable, localConsoles);
  config.onDidChangeKey('devices', () => portsTree.refresh(), context.subscriptions);
  const humility = new HumilityTerminals();
  const serialConsoles = new SerialConsoles(context, config, devices, log);
  const buildLog = vscode.window.createOutputChannel('NixOS Devices Build', 'log');
  const buildStatus = new BuildStatusBar();
  context.subscriptions.push(config, flakes, flakeCheck, flakeTree, devicesTree, portsTree, humility, serialConsoles, buildLog, buildStatus);
  const ctx: Ctx = { extension: context, log, config, flakes, flakeCheck, flakeTree, devicesTree, buildLog, buildStatus, buildViewRenders: BuildPanel.onDidRender, devices, serialConsoles, portsTree, humility };
  return {
    ctx,
    commands: commandHandlers(ctx),
    tasks: new NixTaskProvider(context.extensionUri, flakes),
    serialProfile: serialTerminalProfileProvider(ctx),
    humilityProfile: humilityTerminalProfileProvider(ctx),
    reviveBuildView: (panel) => BuildPanel.revive(panel, context.extensionUri),
  };
}
