/**
 * Composition root: builds the context and registers each feature. No logic lives here.
 */
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('NixOS Devices', { log: true });
  context.subscriptions.push(log);
  log.info('NixOS Devices activated');
}

export function deactivate(): void {
  // Disposables registered in context.subscriptions are released by VS Code.
}
