/**
 * Shows a DevicesError: its message with its actions as buttons; the detail and stack go to the
 * log. A cancel is never shown as an error.
 */
import * as vscode from 'vscode';
import { toDevicesError } from '../core/errors';

export async function showError(error: unknown, log: vscode.LogOutputChannel, context?: string): Promise<void> {
  const devicesError = toDevicesError(error, context);
  if (devicesError.code === 'CANCELLED') {
    log.info(devicesError.message);
    return;
  }
  log.error(devicesError.detail === undefined ? devicesError : `${devicesError.message}\n${devicesError.detail}`);
  const openLog = vscode.l10n.t('Open Log');
  const buttons = [...devicesError.actions.map((a) => a.title), openLog];
  const choice = await vscode.window.showErrorMessage(devicesError.message, ...buttons);
  if (choice === openLog) {
    log.show(true);
    return;
  }
  const action = devicesError.actions.find((a) => a.title === choice);
  if (action !== undefined) await vscode.commands.executeCommand(action.command, ...(action.args ?? []));
}
