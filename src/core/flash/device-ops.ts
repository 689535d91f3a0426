/**
 * The steps around the write: unmount, exclusive open, wipe of both ends, partition table
 * re-read, eject. Each takes what it needs and says in its error which device it was about.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { DevicesError } from '../errors';
import { run, runChecked } from '../exec';
import type { Logger } from '../log';
import type { Drive } from './drive';
import { errorCode } from './image-errors';

/** Zeroed at both ends before writing: MBR and GPT header at the start, the backup GPT at the end. */
export const WIPE_BYTES = 1024 * 1024;
/** Held back and written last, after everything else is synced: the whole first MiB (not 4 KiB),
 * the range the wipe zeroed, so until the very end the card has no partition table at all. */
export const HEAD_BYTES = WIPE_BYTES;

export interface DeviceOpOptions {
  readonly logger?: Logger;
  readonly signal?: AbortSignal;
}

function execOptions(options: DeviceOpOptions): { logger?: Logger; signal?: AbortSignal } {
  return { ...(options.logger === undefined ? {} : { logger: options.logger }), ...(options.signal === undefined ? {} : { signal: options.signal }) };
}

/** Unmounts every mount point on the drive, deepest first (/media/x/boot before /media/x). */
export async function unmountAll(drive: Drive, options: DeviceOpOptions = {}): Promise<void> {
  const mountpoints = [...drive.mountpoints].sort((a, b) => b.length - a.length);
  for (const mountpoint of mountpoints) {
    const result = await run(['umount', mountpoint], { ...execOptions(options), parseable: true });
    if (result.exitCode !== 0) {
      throw new DevicesError('DRIVE_MOUNTED', `Could not unmount ${mountpoint} from ${drive.path}: ${result.stderr.trim()}. Close the files open on it and try again.`, {
        detail: result.stderr,
      });
    }
  }
}

/** Opens for writing: block devices with O_EXCL, which fails while anything has the device claimed (mounted, in a RAID, open by another flasher). */
export async function openTarget(drive: Drive): Promise<FileHandle> {
  const flags = drive.kind === 'file' ? constants.O_WRONLY : constants.O_WRONLY | constants.O_EXCL;
  try {
    return await open(drive.path, flags);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EBUSY') throw new DevicesError('DRIVE_MOUNTED', `${drive.path} is in use (mounted or opened by another program).`, { cause: error });
    if (code === 'EACCES' || code === 'EPERM') throw new DevicesError('PERMISSION_DENIED', `No permission to write ${drive.path}.`, { cause: error });
    if (code === 'EROFS') throw new DevicesError('DRIVE_NOT_ALLOWED', `${drive.path} is read-only.`, { cause: error });
    throw new DevicesError('INTERNAL', `Could not open ${drive.path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

async function writeFully(handle: FileHandle, data: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}

/** Whether the file's filesystem takes O_DIRECT (ext4, xfs, btrfs do; tmpfs before Linux 6.6 and many FUSE filesystems answer EINVAL). */
export async function supportsDirectIo(path: string): Promise<boolean> {
  try {
    const handle = await open(path, constants.O_WRONLY | constants.O_DIRECT);
    await handle.close();
    return true;
  } catch {
    return false;
  }
}

/** Zeroes the first and last MiB (old partition tables, the backup GPT) and syncs. */
export async function wipeEnds(handle: FileHandle, size: number): Promise<void> {
  const zeros = Buffer.alloc(Math.min(WIPE_BYTES, size));
  await writeFully(handle, zeros, 0);
  if (size > 2 * WIPE_BYTES) await writeFully(handle, zeros, size - WIPE_BYTES);
  await handle.sync();
}

/** Writes the held-back first block and syncs: the last write of a flash. */
export async function writeHead(handle: FileHandle, head: Buffer): Promise<void> {
  await writeFully(handle, head, 0);
  await handle.sync();
}

/** Asks the kernel to re-read the partition table (BLKRRPART); returns a warning text on failure. */
export async function rereadPartitionTable(drive: Drive, options: DeviceOpOptions = {}): Promise<string | undefined> {
  if (drive.kind === 'file') return undefined;
  const result = await run(['blockdev', '--rereadpt', drive.path], { ...execOptions(options), parseable: true });
  // Loop devices without partition scanning answer EINVAL: expected, not worth a warning.
  if (result.exitCode === 0 || drive.kind === 'loop') return undefined;
  return `The kernel did not re-read the partition table of ${drive.path} (${result.stderr.trim()}); unplug and replug the card before mounting it.`;
}

/** Ejects (or powers off) the drive so it can be pulled out safely. */
export async function ejectDrive(drive: Drive, options: DeviceOpOptions = {}): Promise<void> {
  if (drive.kind === 'file') return;
  const eject = await run(['eject', drive.path], { ...execOptions(options), parseable: true }).catch(() => undefined);
  if (eject?.exitCode === 0) return;
  await runChecked(['udisksctl', 'power-off', '--block-device', drive.path, '--no-user-interaction'], { ...execOptions(options), parseable: true }).catch((error: unknown) => {
    throw new DevicesError('PROGRAM_FAILED', `${drive.path} was written but could not be ejected; use your desktop's eject before pulling it out.`, { cause: error });
  });
}
