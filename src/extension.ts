/**
 * Composition root: builds the context and registers each feature. No logic lives here.
 * VS Code says nothing when activation fails, so a failure is shown and logged, then rethrown.
 */
import * as vscode from 'vscode';
import { BuildStatusBar } from './ui/build/build-status-bar';
import { NIX_TASK_TYPE, NixTaskProvider } from './ui/build/nix-task-provider';
import { SshPool } from './core/remote';
import { registerCommands } from './ui/commands';
import { humilityTerminalProfileProvider } from './ui/commands/humility';
import { Config } from './ui/config';
import type { Ctx } from './ui/ctx';
import { DeviceConnections } from './ui/devices/device-connections';
import { SerialConsoles } from './ui/serial/serial-consoles';
import { registerSerialTerminalProfile } from './ui/serial/terminal-profile';
import { FlakeCheckRunner } from './ui/flake/flake-check-runner';
import { FlakeWorkspace } from './ui/flake/flake-workspace';
import { HumilityTerminals } from './ui/humility/humility-terminals';
import { registerLanguageClient } from './ui/language/register-language-client';
import { channelLogger } from './ui/log';
import { confirmUnknownHost, secretAsker } from './ui/remote/ssh-prompts';
import { DevicesTreeProvider } from './ui/views/devices-tree';
import { FlakeTreeProvider } from './ui/views/flake-tree';
import { PortsTreeProvider } from './ui/views/ports-tree';
import { BUILD_VIEW_TYPE, BuildPanel } from './ui/webviews/build-panel';

export function activate(context: vscode.ExtensionContext): Ctx {
  const log = vscode.window.createOutputChannel('NixOS Devices', { log: true });
  context.subscriptions.push(log);
  try {
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
    context.subscriptions.push(config, flakes, flakeCheck, flakeTree, devicesTree, portsTree, humility);
    context.subscriptions.push(
      vscode.window.createTreeView('nixosDevices.flake', { treeDataProvider: flakeTree, showCollapseAll: true }),
      vscode.window.createTreeView('nixosDevices.devices', { treeDataProvider: devicesTree }),
      vscode.window.createTreeView('nixosDevices.ports', { treeDataProvider: portsTree }),
    );
    const serialConsoles = new SerialConsoles(context, config, devices, log);
    context.subscriptions.push(serialConsoles);
    const buildLog = vscode.window.createOutputChannel('NixOS Devices Build', 'log');
    const buildStatus = new BuildStatusBar();
    context.subscriptions.push(buildLog, buildStatus);
    context.subscriptions.push(
      vscode.tasks.registerTaskProvider(NIX_TASK_TYPE, new NixTaskProvider(context.extensionUri, flakes)),
      vscode.window.registerWebviewPanelSerializer(BUILD_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => {
          BuildPanel.revive(panel, context.extensionUri);
        },
      }),
    );
    const ctx: Ctx = { extension: context, log, config, flakes, flakeCheck, flakeTree, devicesTree, buildLog, buildStatus, buildViewRenders: BuildPanel.onDidRender, devices, serialConsoles, portsTree, humility };
    registerCommands(ctx);
    context.subscriptions.push(vscode.window.registerTerminalProfileProvider('nixosDevices.humility', humilityTerminalProfileProvider(ctx)));
    context.subscriptions.push(registerSerialTerminalProfile(ctx));
    registerLanguageClient(context, log, () => flakes.nixCli);
    const manifest: unknown = context.extension.packageJSON;
    const version = typeof manifest === 'object' && manifest !== null && 'version' in manifest ? String(manifest.version) : '?';
    log.info(`NixOS Devices ${version} activated`);
    return ctx;
  } catch (error) {
    log.error(error instanceof Error ? error : String(error));
    void vscode.window.showErrorMessage(vscode.l10n.t('NixOS Devices failed to start: {0}', error instanceof Error ? error.message : String(error)));
    throw error;
  }
}

export function deactivate(): void {
  // Everything is in context.subscriptions, which VS Code disposes.
}
