/**
 * Starts the bundled language server (dist/server.js) for `nix` documents and keeps it for the
 * extension's lifetime. Bundled on its own (dist/language-client.js) and loaded only when a Nix
 * document opens: vscode-languageclient is most of the extension's size, and activation stays cheap. The server asks for `nixosDevices.lint` per document; changing those
 * settings is sent to it. Its traces go to their own channel, opened only on request.
 */
import * as vscode from 'vscode';
import { LanguageClient, RevealOutputChannelOn, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { LENS_COMMANDS, LINT_SETTINGS_SECTION } from '../../server/protocol';
import { COMMAND_IDS } from '../commands/command-ids';

export function createLanguageClient(context: vscode.ExtensionContext): LanguageClient {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.js').fsPath;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'nix' },
      { scheme: 'untitled', language: 'nix' },
    ],
    synchronize: { configurationSection: LINT_SETTINGS_SECTION },
    // Lenses run extension commands: offer only those this version registers.
    initializationOptions: { lensCommands: Object.values(LENS_COMMANDS).filter((c) => (COMMAND_IDS as readonly string[]).includes(c)) },
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    outputChannel: vscode.window.createOutputChannel('NixOS Devices Language Server', { log: true }),
  };
  return new LanguageClient('nixosDevices', 'NixOS Devices Language Server', serverOptions, clientOptions);
}
