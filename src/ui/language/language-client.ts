/**
 * Starts the bundled language server (dist/server.js) for `nix` documents and keeps it for the
 * extension's lifetime. Bundled on its own (dist/language-client.js) and loaded only when a Nix
 * document opens: vscode-languageclient is most of the extension's size, and activation stays cheap. The server asks for `nixosDevices.lint` per document; changing those
 * settings is sent to it. Its traces go to their own channel, opened only on request. Given the
 * extension's NixCli, it answers the server's INPUT_PACKAGES_REQUEST (input-packages-handler.ts)
 * and tells it when a flake.lock changes.
 */
import * as vscode from 'vscode';
import { LanguageClient, RevealOutputChannelOn, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { NixCli } from '../../core/nix/nix-cli';
import { INPUT_PACKAGES_REQUEST, LENS_COMMANDS, LINT_SETTINGS_SECTION } from '../../server/protocol';
import { COMMAND_IDS } from '../commands/command-ids';
import { inputPackagesHandler } from './input-packages-handler';

/** With `nix`, the client answers the server's questions about flake inputs (foreign-arch-package's fix). */
export function createLanguageClient(context: vscode.ExtensionContext, nix?: () => NixCli, log?: vscode.LogOutputChannel): LanguageClient {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.js').fsPath;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const answers = nix !== undefined && log !== undefined;
  const lockWatcher = vscode.workspace.createFileSystemWatcher('**/flake.lock');
  context.subscriptions.push(lockWatcher);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'nix' },
      { scheme: 'untitled', language: 'nix' },
    ],
    // flake.lock pins the inputs whose package names the server asked about.
    synchronize: { configurationSection: LINT_SETTINGS_SECTION, fileEvents: lockWatcher },
    initializationOptions: {
      // Lenses run extension commands: offer only those this version registers.
      lensCommands: Object.values(LENS_COMMANDS).filter((c) => (COMMAND_IDS as readonly string[]).includes(c)),
      inputPackages: answers,
    },
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    outputChannel: vscode.window.createOutputChannel('NixOS Devices Language Server', { log: true }),
  };
  const client = new LanguageClient('nixosDevices', 'NixOS Devices Language Server', serverOptions, clientOptions);
  if (answers) client.onRequest(INPUT_PACKAGES_REQUEST, inputPackagesHandler(nix, log));
  return client;
}
