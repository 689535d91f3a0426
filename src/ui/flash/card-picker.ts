/**
 * Picks the card for the card tools: a card in a reader (Flash's drive picker, the same policy:
 * never a system disk) or an SD image file. A path handed in (a flash result's device, the Ports
 * view's drive row, a CardDriveItem) is used as is.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import * as vscode from 'vscode';
import { DevicesError } from '../../core/errors';
import { pickDrive } from './drive-picker';

interface SourceItem extends vscode.QuickPickItem {
  readonly source: 'drive' | 'file';
}

export async function pickCard(arg: unknown, options: { readonly title: string; readonly allowNonRemovable: boolean }): Promise<string | undefined> {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (typeof arg === 'string' && arg.startsWith('/')) return arg;
  // A Ports view drive row (CardDriveItem) as a menu's argument.
  if (typeof arg === 'object' && arg !== null && 'path' in arg && typeof arg.path === 'string' && arg.path.startsWith('/dev/')) return arg.path;
  const items: SourceItem[] = [
    { label: vscode.l10n.t('$(device-camera) A card in a reader'), detail: vscode.l10n.t('The card must not be mounted; you may be asked for permission to open it.'), source: 'drive' },
    { label: vscode.l10n.t('$(file-binary) An SD image file (.img)'), detail: vscode.l10n.t('An uncompressed image, before you flash it.'), source: 'file' },
  ];
  const source = await vscode.window.showQuickPick(items, { title: options.title, placeHolder: vscode.l10n.t('Where is the card?') });
  if (source === undefined) return undefined;
  if (source.source === 'file') {
    const picked = await vscode.window.showOpenDialog({ title: options.title, canSelectFiles: true, filters: { [vscode.l10n.t('SD images')]: ['img'] }, openLabel: vscode.l10n.t('Use Image') });
    return picked?.[0]?.fsPath;
  }
  // imageSize 0: nothing is written over the whole card, so no drive is too small.
  const assessment = await pickDrive({ imageSize: 0, imageSizeEstimated: false, allowNonRemovable: options.allowNonRemovable });
  return assessment?.drive.path;
}

/**
 * Whether opening the card needs root: false when the user can read it (and write it, for
 * `write`) themselves. Only a device is opened as root: an image file the user cannot write (a
 * Nix store path, read-only by design) is refused rather than changed by root.
 */
export async function cardNeedsRoot(path: string, write: boolean): Promise<boolean> {
  try {
    await access(path, write ? constants.R_OK | constants.W_OK : constants.R_OK);
    return false;
  } catch {
    if (path.startsWith('/dev/')) return true;
    throw new DevicesError('PERMISSION_DENIED', vscode.l10n.t('You cannot {0} {1}. Copy the image somewhere you can write (an image in the Nix store is read-only) and choose the copy.', write ? vscode.l10n.t('write') : vscode.l10n.t('read'), path));
  }
}
