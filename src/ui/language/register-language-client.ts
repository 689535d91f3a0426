/**
 * Starts the language client when the first `nix` document is open (now or later), not at
 * activation. The client lives in its own bundle (dist/language-client.js), required only then,
 * so a workspace where no .nix file is opened never loads vscode-languageclient.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { NixCli } from '../../core/nix/nix-cli';
import type { createLanguageClient } from './language-client';

interface LanguageClientModule {
  readonly createLanguageClient: typeof createLanguageClient;
}

/**
 * `nix` (the Flake view's, which follows the nix settings) lets the server's foreign-arch-package
 * fix know a flake input's package names. `onFirstNixDocument` runs once, before the client starts.
 */
export function registerLanguageClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, nix?: () => NixCli, onFirstNixDocument?: () => void): void {
  let started = false;
  const startWhenNeeded = (document: vscode.TextDocument): void => {
    if (started || document.languageId !== 'nix') return;
    started = true;
    try {
      onFirstNixDocument?.();
    } catch {
      // Already shown and logged by the caller; the language server does not depend on it.
    }
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand from its own bundle, on purpose
      const module = require(join(__dirname, 'language-client.js')) as LanguageClientModule;
      const client = module.createLanguageClient(context, nix, log);
      context.subscriptions.push(client);
      client.start().catch((error: unknown) => {
        log.error(`the language server did not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      });
    } catch (error) {
      log.error(error instanceof Error ? error : String(error));
    }
  };
  vscode.workspace.textDocuments.forEach(startWhenNeeded);
  vscode.workspace.onDidOpenTextDocument(startWhenNeeded, undefined, context.subscriptions);
}
