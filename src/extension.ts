/**
 * Activation entry. VS Code activates the extension in every window with a flake.nix or a Nix
 * file, used or not, so this file only registers what the manifest names — commands, the three
 * views, the `nix` task type, the terminal profiles, the Build view's restorer, the language
 * client's start — and the rest of the extension (src/ui/main.ts, bundled apart as
 * dist/extension-main.js) is required on the first use of any of them. No logic lives here.
 * VS Code says nothing when loading fails, so a failure is shown and logged, then rethrown.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import { COMMAND_IDS } from './ui/commands/command-ids';
import { BUILD_VIEW_TYPE, HUMILITY_TERMINAL_PROFILE_ID, NIX_TASK_TYPE, SERIAL_TERMINAL_PROFILE_ID, VIEW_IDS } from './ui/contribution-ids';
import type { Ctx } from './ui/ctx';
import { registerLanguageClient } from './ui/language/register-language-client';
import { LazyTreeDataProvider } from './ui/lazy/lazy-tree-data-provider';
import type { LoadedExtension, loadExtension } from './ui/main';

interface MainModule {
  readonly loadExtension: typeof loadExtension;
}

/** What `activate` returns (the extension's API, which the in-VS-Code tests use). */
export interface ExtensionApi {
  /** The context every feature shares; asking for it loads the rest of the extension. */
  context(): Ctx;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const log = vscode.window.createOutputChannel('NixOS Devices', { log: true });
  context.subscriptions.push(log);
  let loaded: LoadedExtension | undefined;
  const main = (): LoadedExtension => {
    if (loaded !== undefined) return loaded;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use from its own bundle, on purpose
      const module = require(join(__dirname, 'extension-main.js')) as MainModule;
      loaded = module.loadExtension(context, log);
      log.info(`NixOS Devices ${version(context)} loaded`);
      return loaded;
    } catch (error) {
      log.error(error instanceof Error ? error : String(error));
      void vscode.window.showErrorMessage(vscode.l10n.t('NixOS Devices failed to start: {0}', error instanceof Error ? error.message : String(error)));
      throw error;
    }
  };

  for (const id of COMMAND_IDS) {
    context.subscriptions.push(vscode.commands.registerCommand(id, (...args: unknown[]) => main().commands.get(id)?.(...args)));
  }
  const showView = <T>(id: string, provider: LazyTreeDataProvider<T>, showCollapseAll = false): void => {
    context.subscriptions.push(provider, vscode.window.createTreeView(id, { treeDataProvider: provider, showCollapseAll }));
  };
  showView(VIEW_IDS.flake, new LazyTreeDataProvider(() => main().ctx.flakeTree), true);
  showView(VIEW_IDS.devices, new LazyTreeDataProvider(() => main().ctx.devicesTree));
  showView(VIEW_IDS.ports, new LazyTreeDataProvider(() => main().ctx.portsTree));
  context.subscriptions.push(
    vscode.tasks.registerTaskProvider(NIX_TASK_TYPE, {
      provideTasks: (token) => main().tasks.provideTasks(token),
      resolveTask: (task, token) => main().tasks.resolveTask(task, token),
    }),
    vscode.window.registerWebviewPanelSerializer(BUILD_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => main().reviveBuildView(panel),
    }),
    vscode.window.registerTerminalProfileProvider(SERIAL_TERMINAL_PROFILE_ID, {
      provideTerminalProfile: (token) => main().serialProfile.provideTerminalProfile(token),
    }),
    vscode.window.registerTerminalProfileProvider(HUMILITY_TERMINAL_PROFILE_ID, {
      provideTerminalProfile: (token) => main().humilityProfile.provideTerminalProfile(token),
    }),
  );
  // A Nix document open loads the rest too: the flake check on save listens from then on, and
  // the language server asks for the Flake view's nix settings.
  registerLanguageClient(context, log, () => main().ctx.flakes.nixCli, () => void main());
  log.info(`NixOS Devices ${version(context)} activated`);
  return { context: () => main().ctx };
}

function version(context: vscode.ExtensionContext): string {
  const manifest: unknown = context.extension.packageJSON;
  return typeof manifest === 'object' && manifest !== null && 'version' in manifest ? String(manifest.version) : '?';
}

export function deactivate(): void {
  // Everything is in context.subscriptions, which VS Code disposes.
}
