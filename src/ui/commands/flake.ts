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

/** The flake to check: the node's, the active editor's, the only one, or the user's pick. */
async function flakeDirFor(ctx: Ctx, node: FlakeNode | undefined): Promise<string | undefined> {
  if (node !== undefined && 'flakeDir' in node) return node.flakeDir;
  const editorPath = vscode.window.activeTextEditor?.document.uri.fsPath;
  const fromEditor = editorPath === undefined ? undefined : await ctx.flakeCheck.flakeDirOf(editorPath);
  if (fromEditor !== undefined) return fromEditor;
  const dirs = await ctx.flakes.getFlakeDirs();
  if (dirs.length <= 1) return dirs[0];
  const picked = await vscode.window.showQuickPick(
    dirs.map((dir) => ({ label: vscode.workspace.asRelativePath(dir), dir })),
    { placeHolder: vscode.l10n.t('Flake to check') },
  );
  return picked?.dir;
}

export function checkFlake(ctx: Ctx) {
  return async (node?: FlakeNode): Promise<void> => {
    const flakeDir = await flakeDirFor(ctx, node);
    if (flakeDir === undefined) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No flake.nix in this workspace to check.'));
      return;
    }
    const result = await ctx.flakeCheck.check(flakeDir);
    if (result === undefined) return;
    const errors = result.problems.filter((p) => p.severity === 'error').length;
    const warnings = result.problems.length - errors;
    if (result.passed && result.problems.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('nix flake check passed for {0}.', vscode.workspace.asRelativePath(flakeDir)));
      return;
    }
    const show = vscode.l10n.t('Show Problems');
    const message = result.passed
      ? vscode.l10n.t('nix flake check passed for {0} with {1} warning(s).', vscode.workspace.asRelativePath(flakeDir), warnings)
      : vscode.l10n.t('nix flake check failed for {0}: {1}', vscode.workspace.asRelativePath(flakeDir), result.problems.find((p) => p.severity === 'error')?.message ?? '');
    const choice = await (result.passed ? vscode.window.showWarningMessage(message, show) : vscode.window.showErrorMessage(message, show));
    if (choice === show) await vscode.commands.executeCommand('workbench.actions.view.problems');
  };
}
