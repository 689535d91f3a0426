import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { installableOf, type FlakeNode } from '../views/flake-tree';

export function refreshFlake(ctx: Ctx) {
  return async (): Promise<void> => {
    ctx.flakes.refresh();
  };
}

export function copyInstallable(_ctx: Ctx) {
  return async (node?: FlakeNode): Promise<void> => {
    const installable = node === undefined ? undefined : installableOf(node);
    if (installable === undefined) return;
    await vscode.env.clipboard.writeText(installable);
    void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', installable), 3000);
  };
}

export function revealFlake(_ctx: Ctx) {
  return async (node?: FlakeNode): Promise<void> => {
    if (node?.kind !== 'flake') return;
    await vscode.window.showTextDocument(vscode.Uri.file(join(node.flakeDir, 'flake.nix')));
  };
}
