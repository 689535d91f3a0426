/**
 * Picks the card: a quick pick of the drives the policy allows (size, model, warnings), with
 * refused ones listed with the reason, refreshed while open so a card plugged in shows up.
 */
import * as vscode from 'vscode';
import { assessDrive, describeDrive, listDrives, type DriveAssessment } from '../../core/flash';

/** How often the list is re-read while the picker is open (lsblk is cheap). */
const REFRESH_MS = 2_000;

interface DriveItem extends vscode.QuickPickItem {
  readonly assessment: DriveAssessment;
}

function items(assessments: readonly DriveAssessment[]): DriveItem[] {
  return assessments.map((a) => ({
    label: `${a.allowed ? '$(device-camera)' : '$(circle-slash)'} ${describeDrive(a.drive)}`,
    description: a.mounted.length > 0 ? vscode.l10n.t('mounted at {0}', a.mounted.join(', ')) : '',
    detail: a.allowed ? a.warnings.join(' ') : a.problems.map((p) => p.message).join(' '),
    assessment: a,
  }));
}

export async function pickDrive(options: { imageSize: number; imageSizeEstimated: boolean; allowNonRemovable: boolean }): Promise<DriveAssessment | undefined> {
  const picker = vscode.window.createQuickPick<DriveItem>();
  picker.title = vscode.l10n.t('Flash: choose the card');
  picker.placeholder = vscode.l10n.t('Insert the SD card; it appears here. Refused drives say why.');
  picker.busy = true;
  picker.matchOnDetail = true;
  let shownKey: string | undefined;
  const refresh = async (): Promise<void> => {
    try {
      const drives = await listDrives();
      const assessments = drives
        .map((d) => assessDrive(d, { imageSize: options.imageSize, imageSizeEstimated: options.imageSizeEstimated, allowNonRemovable: options.allowNonRemovable }))
        .sort((a, b) => Number(b.allowed) - Number(a.allowed));
      // Only a changed list is redrawn: replacing the items redraws every row, and a click that
      // lands during the redraw is lost.
      const key = JSON.stringify(assessments.map((a) => [a.drive.path, a.drive.size, a.allowed, a.problems.map((p) => p.message)]));
      if (key === shownKey) return;
      shownKey = key;
      const selected = picker.activeItems[0]?.assessment.drive.path;
      picker.items = items(assessments);
      const again = picker.items.find((i) => i.assessment.drive.path === selected);
      if (again !== undefined) picker.activeItems = [again];
    } catch (error) {
      picker.placeholder = error instanceof Error ? error.message : String(error);
    } finally {
      picker.busy = false;
    }
  };
  await refresh();
  const timer = setInterval(() => void refresh(), REFRESH_MS);
  const disposables: vscode.Disposable[] = [];
  try {
    return await new Promise<DriveAssessment | undefined>((resolve) => {
      picker.onDidAccept(
        () => {
          const item = picker.selectedItems[0];
          if (item === undefined) return;
          if (!item.assessment.allowed) {
            void vscode.window.showWarningMessage(item.assessment.problems.map((p) => p.message).join(' '));
            return;
          }
          resolve(item.assessment);
          picker.hide();
        },
        undefined,
        disposables,
      );
      picker.onDidHide(() => resolve(undefined), undefined, disposables);
      picker.show();
    });
  } finally {
    clearInterval(timer);
    disposables.forEach((d) => {
      d.dispose();
    });
    picker.dispose();
  }
}
