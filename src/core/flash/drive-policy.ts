/**
 * Which drives an image may be written to: a pure function over a Drive, so the UI, the CLI and
 * the privileged helper apply the same rule and tests run it over recorded lsblk output.
 *
 * - By default only removable disks, or disks on USB or an MMC/SD bus. The kernel's HOTPLUG flag
 *   alone does not count: desktop SATA ports with hot-swap report it for internal disks.
 * - Never a disk holding /, /boot, /nix, /home, /usr, /var (or below them) or active swap,
 *   whatever else is allowed: the mount points of partitions, LUKS, LVM and RAID on it count.
 * - Never read-only, never a partition or a CD, never smaller than the image.
 * - `allowNonRemovable` admits loop devices and plain files (tests, VM images), nothing more.
 * - Over 128 GB: allowed, but the caller must ask a second time (a 128 GB card is 127.9e9 bytes;
 *   a larger "card" is more likely an external backup disk).
 */
import type { DevicesErrorCode } from '../errors';
import { describeDrive, formatBytes, type Drive } from './drive';

export const SYSTEM_MOUNTPOINTS = ['/', '/boot', '/nix', '/home', '/usr', '/var'] as const;
export const LARGE_DRIVE_BYTES = 128e9;
const CARD_TRANSPORTS = new Set(['usb', 'mmc', 'sd', 'memstick']);

export type DriveProblemCode = Extract<DevicesErrorCode, 'DRIVE_IS_SYSTEM' | 'DRIVE_NOT_ALLOWED' | 'DRIVE_TOO_SMALL'>;

export interface DriveProblem {
  readonly code: DriveProblemCode;
  readonly message: string;
}

export interface DrivePolicyOptions {
  /** Bytes of the image, when one is chosen. */
  readonly imageSize?: number;
  /** The image size is an estimate: a smaller drive is a warning, not a refusal. */
  readonly imageSizeEstimated?: boolean;
  readonly allowNonRemovable?: boolean;
}

export interface DriveAssessment {
  readonly drive: Drive;
  readonly allowed: boolean;
  /** Why it is refused, worst first; empty when allowed. */
  readonly problems: readonly DriveProblem[];
  /** Mount points that must be unmounted before writing. */
  readonly mounted: readonly string[];
  readonly needsSecondConfirmation: boolean;
  readonly warnings: readonly string[];
}

export function isSystemMountpoint(mountpoint: string): boolean {
  return SYSTEM_MOUNTPOINTS.some((m) => mountpoint === m || (m !== '/' && mountpoint.startsWith(`${m}/`)));
}

export function looksLikeCard(drive: Drive): boolean {
  if (drive.removable) return true;
  if (drive.transport !== undefined && CARD_TRANSPORTS.has(drive.transport)) return true;
  // SD/MMC slots on the MMC bus: lsblk often leaves TRAN empty for them.
  return /^mmcblk\d+$/.test(drive.name);
}

export function assessDrive(drive: Drive, options: DrivePolicyOptions = {}): DriveAssessment {
  const problems: DriveProblem[] = [];
  const warnings: string[] = [];
  const label = describeDrive(drive);
  const system = drive.mountpoints.filter(isSystemMountpoint);
  if (system.length > 0 || drive.holdsSwap) {
    const what = [...system, ...(drive.holdsSwap ? ['swap'] : [])].join(', ');
    problems.push({ code: 'DRIVE_IS_SYSTEM', message: `${label} holds this computer's system (${what}); it is never written to.` });
  }
  if (drive.kind === 'partition') {
    problems.push({ code: 'DRIVE_NOT_ALLOWED', message: `${drive.path} is a partition; choose the whole disk it belongs to.` });
  } else if (drive.kind === 'rom' || drive.kind === 'other') {
    problems.push({ code: 'DRIVE_NOT_ALLOWED', message: `${label} is not a disk an image can be written to.` });
  }
  if (drive.readOnly) {
    problems.push({ code: 'DRIVE_NOT_ALLOWED', message: `${label} is read-only (is the card's lock switch on?).` });
  }
  if ((drive.kind === 'loop' || drive.kind === 'file') && options.allowNonRemovable !== true) {
    problems.push({ code: 'DRIVE_NOT_ALLOWED', message: `${label} is a ${drive.kind === 'loop' ? 'loop device' : 'plain file'}; allow non-removable targets to write to it.` });
  } else if (drive.kind === 'disk' && !looksLikeCard(drive)) {
    problems.push({ code: 'DRIVE_NOT_ALLOWED', message: `${label} is not removable and not on USB or an SD/MMC slot, so it is not offered for flashing.` });
  }
  // A plain file grows to the image's size, so only devices can be too small.
  if (options.imageSize !== undefined && drive.kind !== 'file' && drive.size < options.imageSize) {
    const text = `${label} is smaller than the image (${formatBytes(options.imageSize)}${options.imageSizeEstimated === true ? ', estimated' : ''}).`;
    if (options.imageSizeEstimated === true) warnings.push(text);
    else problems.push({ code: 'DRIVE_TOO_SMALL', message: text });
  }
  const largeDrive = drive.size > LARGE_DRIVE_BYTES;
  if (largeDrive) warnings.push(`${label} is larger than ${formatBytes(LARGE_DRIVE_BYTES)}: make sure it is not a backup disk.`);
  return {
    drive,
    allowed: problems.length === 0,
    problems,
    mounted: drive.mountpoints,
    needsSecondConfirmation: largeDrive,
    warnings,
  };
}
