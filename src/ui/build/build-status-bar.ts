/** A status bar item while builds run: counts, click to show the Build view. */
import * as vscode from 'vscode';
import type { BuildHandle } from '../../core/nix';

export class BuildStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('nixosDevices.build', vscode.StatusBarAlignment.Left, 10);
  private timer: NodeJS.Timeout | undefined;

  constructor() {
    this.item.name = vscode.l10n.t('NixOS Devices Build');
    this.item.command = 'nixosDevices.showBuildView';
  }

  follow(handle: BuildHandle): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    const update = (): void => {
      const { counts } = handle.progress.snapshot();
      const total = counts.done + counts.running + counts.planned + counts.failed;
      this.item.text = `$(sync~spin) ${vscode.l10n.t('nix build {0}/{1}', counts.done, total)}${counts.failed > 0 ? ` $(error) ${counts.failed}` : ''}`;
      this.item.tooltip = `${handle.job.title}\n${vscode.l10n.t('{0} running, {1} planned', counts.running, counts.planned)}`;
    };
    update();
    this.item.show();
    this.timer = setInterval(update, 500);
    void handle.job.done.then(() => {
      if (this.timer !== undefined) clearInterval(this.timer);
      this.timer = undefined;
      this.item.hide();
    });
  }

  dispose(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.item.dispose();
  }
}
