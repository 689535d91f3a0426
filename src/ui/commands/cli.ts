import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { chooseShimDir, installCliShim } from '../../core/cli-shim';
import type { Ctx } from '../ctx';
import { showError } from '../show-error';

export function installCli(ctx: Ctx) {
  return async (): Promise<void> => {
    const target = chooseShimDir(homedir(), process.env['PATH'] ?? '');
    try {
      const path = await installCliShim({
        runtimePath: process.execPath,
        cliPath: vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist', 'cli.js').fsPath,
        dir: target.dir,
      });
      ctx.log.info(`installed the CLI shim at ${path}`);
      const message = target.onPath
        ? vscode.l10n.t('Installed {0}. Try `nixos-devices help` in a new terminal.', path)
        : vscode.l10n.t('Installed {0}, but {1} is not on your PATH: add it to PATH in your shell profile.', path, target.dir);
      void vscode.window.showInformationMessage(message);
    } catch (error) {
      await showError(error, ctx.log);
    }
  };
}

export function showLog(ctx: Ctx) {
  return async (): Promise<void> => {
    ctx.log.show();
  };
}
