/**
 * "Removable drives appear in the Ports view": core/flash's drive listing turned into plain tree
 * item data (no vscode import, so it is unit-tested as is). Shown are the drives a card could be
 * in: removable, USB or SD/MMC (core/flash's looksLikeCard), never one holding this computer's
 * system; loop devices and files only when non-removable targets are allowed (the flash setting).
 * A read-only card (lock switch) is still shown, with why it cannot be written.
 */
import { assessDrive, describeDrive, formatBytes, looksLikeCard, type Drive } from '../../core/flash';

export interface CardDriveItem {
  /** Stable across refreshes: the device path. */
  readonly id: string;
  readonly path: string;
  /** Model or "SD card reader"-like name. */
  readonly label: string;
  /** Size, transport and path. */
  readonly description: string;
  readonly tooltip: string;
  /** A codicon id. */
  readonly icon: 'sd-card' | 'lock' | 'warning';
  /** `cardDrive` (writable) or `cardDriveReadOnly`; menus key Flash…, Eject, card tools on it. */
  readonly contextValue: 'cardDrive' | 'cardDriveReadOnly';
  /** Mount points, when mounted (card tools refuse a mounted card). */
  readonly mounted: readonly string[];
}

export interface CardDriveOptions {
  /** nixosDevices.flash.allowNonRemovable: also show loop devices (tests, VM images). */
  readonly allowNonRemovable: boolean;
}

function isCandidate(drive: Drive, options: CardDriveOptions): boolean {
  if (drive.kind === 'loop') return options.allowNonRemovable;
  return drive.kind === 'disk' && looksLikeCard(drive);
}

/** Tree items for the drives a card can be in, sorted by path. */
export function cardDriveItems(drives: readonly Drive[], options: CardDriveOptions): CardDriveItem[] {
  const items: CardDriveItem[] = [];
  for (const drive of drives) {
    if (!isCandidate(drive, options)) continue;
    const assessment = assessDrive(drive, { allowNonRemovable: options.allowNonRemovable });
    // Never list a disk that holds this computer's system, even a USB one.
    if (assessment.problems.some((p) => p.code === 'DRIVE_IS_SYSTEM')) continue;
    const via = drive.transport === undefined ? '' : `${drive.transport.toUpperCase()} · `;
    const label = drive.model ?? (drive.kind === 'loop' ? 'Loop device' : 'Card reader');
    const notes = [...assessment.problems.map((p) => p.message), ...assessment.warnings, ...(drive.mountpoints.length > 0 ? [`Mounted at ${drive.mountpoints.join(', ')}.`] : [])];
    items.push({
      id: drive.path,
      path: drive.path,
      label,
      description: `${formatBytes(drive.size)} · ${via}${drive.path}`,
      tooltip: [describeDrive(drive), ...notes].join('\n'),
      icon: drive.readOnly ? 'lock' : assessment.allowed ? 'sd-card' : 'warning',
      contextValue: drive.readOnly ? 'cardDriveReadOnly' : 'cardDrive',
      mounted: drive.mountpoints,
    });
  }
  return items.sort((a, b) => a.path.localeCompare(b.path));
}
