/** A whole disk (or a plain file, or something the policy will refuse) as flashing sees it. */

export type DriveKind = 'disk' | 'loop' | 'partition' | 'rom' | 'file' | 'other';

export interface Drive {
  /** `/dev/sdb`, `/dev/mmcblk0`, `/dev/disk4`, or a file's path. */
  readonly path: string;
  /** Kernel name (`sdb`); the file name for a file. */
  readonly name: string;
  readonly kind: DriveKind;
  readonly size: number;
  /** The kernel's removable flag (card readers, most USB sticks). */
  readonly removable: boolean;
  readonly hotplug: boolean;
  /** `usb`, `mmc`, `nvme`, `sata`, … as lsblk's TRAN says; undefined when unknown. */
  readonly transport: string | undefined;
  /** Vendor and model, cleaned of control and bidi characters. */
  readonly model: string | undefined;
  readonly readOnly: boolean;
  /** Mount points of the disk and everything on it (partitions, LUKS, LVM, RAID members). */
  readonly mountpoints: readonly string[];
  /** An active swap area is on it. */
  readonly holdsSwap: boolean;
}

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'] as const;

/** Sizes as the drive's box says them (decimal: a "32 GB" card has 31.9e9 bytes). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < DECIMAL_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? String(value) : value.toFixed(value < 10 ? 2 : 1)} ${DECIMAL_UNITS[unit] ?? 'B'}`;
}

/** One line naming a drive for a confirmation: model, size, transport, path. */
export function describeDrive(drive: Drive): string {
  const what = drive.kind === 'file' ? 'file' : (drive.model ?? (drive.kind === 'loop' ? 'loop device' : 'unnamed disk'));
  const via = drive.transport === undefined ? '' : `, ${drive.transport.toUpperCase()}`;
  return `${what} (${formatBytes(drive.size)}${via}) ${drive.path}`;
}
