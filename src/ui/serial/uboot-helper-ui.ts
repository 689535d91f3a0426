/**
 * The u-boot helper in VS Code: during the autoboot countdown a "Stop Autoboot" status bar button;
 * when the extlinux menu appears (its countdown already halted by the helper) a quick pick of the
 * entries, whose choice the helper types. Dismissing the pick leaves the menu halted for the user
 * to type in the terminal, and the terminal says so.
 */
import * as vscode from 'vscode';
import type { UBootConsoleHelper } from '../../core/boot';
import type { SerialTerminal } from './serial-terminal';

export function attachUBootHelperUi(helper: UBootConsoleHelper, consoleName: string, pty: SerialTerminal): vscode.Disposable {
  // A status bar button while u-boot counts down: it goes away by itself when the countdown ends
  // (a notification would stay, with a button that no longer does anything).
  const stop = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 100);
  stop.command = 'nixosDevices.stopAutoboot';
  stop.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
  const events = helper.onEvent((event) => {
    if (event.kind === 'autoboot-offer') {
      stop.text = `$(debug-pause) ${vscode.l10n.t('Stop Autoboot ({0}, {1} s)', consoleName, event.secondsLeft)}`;
      stop.tooltip = vscode.l10n.t('u-boot on {0} is counting down to boot: stop it at its prompt.', consoleName);
      stop.show();
    } else if (event.kind === 'autoboot-offer-ended') {
      stop.hide();
    } else if (event.kind === 'pick-failed') {
      pty.note(event.error.message);
    } else if (event.kind === 'entry-typed') {
      pty.note(vscode.l10n.t('chose {0}: {1}', event.entry.number, event.entry.text));
    }
  });
  const menu = helper.onMenu(async (shown, signal) => {
    pty.note(vscode.l10n.t('boot menu halted: choose an entry in the picker, or type its number here'));
    const source = new vscode.CancellationTokenSource();
    signal.addEventListener('abort', () => source.cancel(), { once: true });
    try {
      const picked = await vscode.window.showQuickPick(
        shown.entries.map((entry) => ({
          label: `${entry.number}: ${entry.text}`,
          ...(entry.nixos?.isDefault === true ? { description: vscode.l10n.t('the default') } : {}),
          entry,
        })),
        { title: vscode.l10n.t('Boot {0}', consoleName), placeHolder: vscode.l10n.t("u-boot's menu is halted: what should boot?"), ignoreFocusOut: true },
        source.token,
      );
      return picked === undefined ? undefined : { text: picked.entry.text };
    } finally {
      source.dispose();
    }
  });
  return {
    dispose: () => {
      events.dispose();
      menu.dispose();
      stop.dispose();
    },
  };
}
