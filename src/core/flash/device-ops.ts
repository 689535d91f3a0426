/**
 * The steps around the write: unmount, exclusive open, wipe of both ends, partition table
 * re-read, eject. Each takes what it needs and says in its error which device it was about.
 * On macOS (`platform` 'darwin') the programs are diskutil's (./macos-disk.ts): no umount,
 * blockdev, eject or udisksctl there.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { DevicesError } from '../errors';
import { run, runChecked } from '../exec';
import type { Logger } from '../log';
import type { Drive } from './drive';
import { errorCode } from './image-errors';
import { ejectDiskArgv, unmountDiskArgv } from './macos-disk';
import { padToSectors } from './raw-sink';

/** Zeroed at both ends before writing: MBR and GPT header at the start, the backup GPT at the end. */
export const WIPE_BYTES = 1024 * 1024;
/** Held back and written last, after everything else is synced: the whole first MiB (not 4 KiB),
 * the range the wipe zeroed, so until the very end the card has no partition table at all. */
export const HEAD_BYTES = WIPE_BYTES;

export interface DeviceOpOptions {
  readonly logger?: Logger;
  readonly signal?: AbortSignal;
  /** Which system's programs to run; process.platform when not given (tests drive 'darwin' here). */
  readonly platform?: NodeJS.Platform;
}

const isDarwin = (options: DeviceOpOptions): boolean => (options.platform ?? process.platform) === 'darwin';

function execOptions(options: DeviceOpOptions): { logger?: Logger; signal?: AbortSignal } {
  return { ...(options.logger === undefined ? {} : { logger: options.logger }), ...(options.signal === undefined ? {} : { signal: options.signal }) };
}

/** Unmounts every mount point on the drive, deepest first (/media/x/boot before /media/x). */
export async function unmountAll(drive: Drive, options: DeviceOpOptions = {}): Promise<void> {
  if (isDarwin(options) && drive.kind !== 'file') {
    // Every volume of the disk at once; Disk Arbitration knows the APFS and FAT volumes by disk.
    const result = await run(unmountDiskArgv(drive.path), { ...execOptions(options), parseable: true });
    if (result.exitCode !== 0) {
      throw new DevicesError('DRIVE_MOUNTED', `Could not unmount the volumes of ${drive.path}: ${result.stderr.trim() || result.stdout.trim()}. Close the files open on it and try again.`, {
        detail: result.stderr,
      });
    }
    return;
  }
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

/**
 * Opens for writing: Linux block devices with O_EXCL, which fails while anything has the device
 * claimed (mounted, in a RAID, open by another flasher). `path` is what to open when it is not
 * the drive's own name (macOS: the raw /dev/rdiskN of /dev/diskN). On macOS O_EXCL without O_CREAT
 * is undefined for an existing node, so it is not passed; the exclusive open there is O_EXLOCK,
 * which blocks while another holder has it (authopen's path takes it, ./macos-authopen.ts).
 */
export async function openTarget(drive: Drive, options: { readonly platform?: NodeJS.Platform; readonly path?: string } = {}): Promise<FileHandle> {
  const path = options.path ?? drive.path;
  const flags = drive.kind === 'file' || isDarwin(options) ? constants.O_WRONLY : constants.O_WRONLY | constants.O_EXCL;
  try {
    return await open(path, flags);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EBUSY') throw new DevicesError('DRIVE_MOUNTED', `${path} is in use (mounted or opened by another program).`, { cause: error });
    if (code === 'EACCES' || code === 'EPERM') throw new DevicesError('PERMISSION_DENIED', `No permission to write ${path}.`, { cause: error });
    if (code === 'EROFS') throw new DevicesError('DRIVE_NOT_ALLOWED', `${path} is read-only.`, { cause: error });
    throw new DevicesError('INTERNAL', `Could not open ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

async function writeFully(handle: FileHandle, data: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}

/**
 * Whether the file's filesystem takes O_DIRECT (ext4, xfs, btrfs do; tmpfs before Linux 6.6 and
 * many FUSE filesystems answer EINVAL). Never on macOS: it has no O_DIRECT (`constants.O_DIRECT`
 * is undefined there, and `O_WRONLY | undefined` would open a plain handle and say yes).
 */
export async function supportsDirectIo(path: string, platform: NodeJS.Platform = process.platform): Promise<boolean> {
  if (platform === 'darwin' || constants.O_DIRECT === undefined) return false;
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

/**
 * Writes the held-back first block and syncs: the last write of a flash. `wholeSectors` (a macOS
 * raw device, which takes whole sectors only): an image shorter than the head is padded with
 * zeros to the next sector (raw-sink.ts says what that writes past the image's end). The head of
 * a longer image is a whole MiB and needs nothing.
 */
export async function writeHead(handle: FileHandle, head: Buffer, options: { readonly wholeSectors?: boolean } = {}): Promise<void> {
  await writeFully(handle, options.wholeSectors === true ? padToSectors(head, head.length) : head, 0);
  await handle.sync();
}

/**
 * Asks the kernel to re-read the partition table (BLKRRPART); returns a warning text on failure.
 * macOS has no such request and needs none: when a writer closes the whole disk, IOKit
 * re-registers the media so the partition drivers match it again (IOStorageFamily's IOMedia.cpp:
 * "If a writer just closed, re-register the media"), and Disk Arbitration then mounts the new volumes. Mounting a FAT volume writes to it (macOS adds
 * .fseventsd and the like), which would change the card under the read-back and leave files the
 * image did not have; so there the step is `diskutil unmountDisk`, keeping the card as written
 * until it is verified and ejected. Not run on macOS here.
 */
export async function rereadPartitionTable(drive: Drive, options: DeviceOpOptions = {}): Promise<string | undefined> {
  if (drive.kind === 'file') return undefined;
  if (isDarwin(options)) {
    const result = await run(unmountDiskArgv(drive.path), { ...execOptions(options), parseable: true });
    if (result.exitCode === 0) return undefined;
    return `macOS mounted the new volumes of ${drive.path} and diskutil could not unmount them (${result.stderr.trim() || result.stdout.trim()}); eject the card before pulling it out.`;
  }
  const result = await run(['blockdev', '--rereadpt', drive.path], { ...execOptions(options), parseable: true });
  // Loop devices without partition scanning answer EINVAL: expected, not worth a warning.
  if (result.exitCode === 0 || drive.kind === 'loop') return undefined;
  return `The kernel did not re-read the partition table of ${drive.path} (${result.stderr.trim()}); unplug and replug the card before mounting it.`;
}

/** Ejects (or powers off) the drive so it can be pulled out safely. */
export async function ejectDrive(drive: Drive, options: DeviceOpOptions = {}): Promise<void> {
  if (drive.kind === 'file') return;
  if (isDarwin(options)) {
    await runChecked(ejectDiskArgv(drive.path), { ...execOptions(options), parseable: true }).catch((error: unknown) => {
      throw new DevicesError('PROGRAM_FAILED', `${drive.path} was written but could not be ejected; eject it in the Finder before pulling it out.`, { cause: error });
    });
    return;
  }
  const eject = await run(['eject', drive.path], { ...execOptions(options), parseable: true }).catch(() => undefined);
  if (eject?.exitCode === 0) return;
  await runChecked(['udisksctl', 'power-off', '--block-device', drive.path, '--no-user-interaction'], { ...execOptions(options), parseable: true }).catch((error: unknown) => {
    throw new DevicesError('PROGRAM_FAILED', `${drive.path} was written but could not be ejected; use your desktop's eject before pulling it out.`, { cause: error });
  });
}
