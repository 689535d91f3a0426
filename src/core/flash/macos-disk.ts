/**
 * macOS disk names and the diskutil commands the macOS writer path uses (docs/flash-macos.md).
 * Written from Apple's documented interfaces; not run here (no macOS in CI): the argv and names
 * are unit-tested.
 *
 * - `/dev/diskN` is the buffered block device; `/dev/rdiskN` the raw character device of the same
 *   disk, which bypasses the unified buffer cache and is several times faster for a whole-card
 *   write (Apple's `diskutil`/`dd` advice, and what Raspberry Pi Imager and balenaEtcher open).
 *   Raw devices take only whole-sector lengths and offsets, hence `RAW_WRITE_BLOCK`.
 * - A card's volumes are auto-mounted when it is inserted; `diskutil unmountDisk` unmounts every
 *   volume of the disk at once (`diskutil unmount` takes one volume), and `diskutil eject` makes
 *   the card safe to pull.
 */
import { DevicesError } from '../errors';

/** Whole-sector writes for raw devices: a multiple of every sector size in use (512, 4096). */
export const RAW_WRITE_BLOCK = 4 * 1024 * 1024;

const WHOLE_DISK = /^\/dev\/r?(disk\d+)$/;

/** `/dev/disk4` or `/dev/rdisk4` → `disk4`; a partition (`disk4s1`) or anything else is refused. */
export function diskIdentifier(path: string): string {
  const match = WHOLE_DISK.exec(path);
  if (match?.[1] === undefined) throw new DevicesError('INVALID_ARGUMENT', `${path} is not a whole macOS disk (/dev/diskN); choose the disk, not one of its volumes (diskNsM).`);
  return match[1];
}

/** The raw device of a disk: `/dev/disk4` → `/dev/rdisk4`. */
export function rawDiskPath(path: string): string {
  return `/dev/r${diskIdentifier(path)}`;
}

/** The block device of a disk, as diskutil names it: `/dev/rdisk4` → `/dev/disk4`. */
export function blockDiskPath(path: string): string {
  return `/dev/${diskIdentifier(path)}`;
}

/** Unmounts every volume of the disk (the disk itself stays attached). */
export function unmountDiskArgv(path: string): string[] {
  return ['diskutil', 'unmountDisk', blockDiskPath(path)];
}

/** Ejects the disk so the card can be pulled. */
export function ejectDiskArgv(path: string): string[] {
  return ['diskutil', 'eject', blockDiskPath(path)];
}
