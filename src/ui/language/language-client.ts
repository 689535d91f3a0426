/**
 * Starts the bundled language server (dist/server.js) for `nix` documents and keeps it for the
 * extension's lifetime. The server asks for `nixosDevices.lint` per document; changing those
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

/**
 * Starts the client when the first `nix` document is open (now or later), not at activation:
 * activation stays cheap in a workspace where no .nix file is opened.
 */
export function registerLanguageClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  let client: LanguageClient | undefined;
  const startWhenNeeded = (document: vscode.TextDocument): void => {
    if (client !== undefined || document.languageId !== 'nix') return;
    client = createLanguageClient(context);
    context.subscriptions.push(client);
    client.start().catch((error: unknown) => {
      log.error(`the language server did not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    });
  };
  vscode.workspace.textDocuments.forEach(startWhenNeeded);
  vscode.workspace.onDidOpenTextDocument(startWhenNeeded, undefined, context.subscriptions);
}
