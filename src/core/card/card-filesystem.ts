/**
 * Finds the NIXOS_SD file system on a card (a block device in a reader, or an image file) and
 * checks that it may be changed without mounting: not mounted anywhere (by its partitions, or an
 * image through a loop device), not a disk of this computer's system, journal clean.
 *
 * The partition comes from the partition table (`sfdisk --json`) and is chosen by its ext4 label
 * (NixOS's sd-image labels the root file system `sdImage.rootVolumeLabel`, default NIXOS_SD);
 * with no such label, the only ext4 partition is taken with a warning. A card without a
 * partition table whose first bytes are an ext4 file system is used whole.
 */
import { constants } from 'node:fs';
import { open, readdir, readFile, realpath, stat, type FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DevicesError } from '../errors';
import { run } from '../exec';
import { assessDrive, describeDrive, describeTarget, type Drive } from '../flash';
import { SILENT_LOGGER, type Logger } from '../log';
import { parseExt4Superblock, SUPERBLOCK_BYTES, SUPERBLOCK_OFFSET, type Ext4Superblock } from './ext4-superblock';
import { parseSfdiskJson, type CardPartition } from './partition-table';
import { findProgram } from './programs';

export const NIXOS_ROOT_LABEL = 'NIXOS_SD';

export interface CardFilesystem {
  /** The device or image file the user named. */
  readonly card: string;
  readonly kind: 'file' | 'block';
  /** The partition holding the file system; undefined when the card is one file system. */
  readonly partition: CardPartition | undefined;
  readonly label: string;
  /** What debugfs opens: `card?offset=BYTES`, a partition's device node, or the card itself. */
  readonly debugfsTarget: string;
  /** Block devices whose buffer cache is dropped after a write (the card and its partition node). */
  readonly flushDevices: readonly string[];
  readonly warnings: readonly string[];
}

export interface CardOpenOptions {
  /** The ext4 label to look for; default NIXOS_SD. */
  readonly label?: string;
  readonly logger?: Logger;
  readonly signal?: AbortSignal;
}

function execOptions(options: CardOpenOptions): { logger?: Logger; signal?: AbortSignal } {
  return { ...(options.logger === undefined ? {} : { logger: options.logger }), ...(options.signal === undefined ? {} : { signal: options.signal }) };
}

function mountedError(what: string, mountpoints: readonly string[]): DevicesError {
  return new DevicesError(
    'DRIVE_MOUNTED',
    `${what} is mounted at ${mountpoints.join(', ')}. Unmount it first (umount ${mountpoints[0] ?? ''}, or your desktop's eject/unmount): the card tools change the file system directly and must be its only user.`,
  );
}

/** Refuses a mounted card and a disk that holds this computer's system. */
async function checkBlockDevice(path: string, options: CardOpenOptions): Promise<Drive> {
  const drive = await describeTarget(path, execOptions(options));
  if (drive.kind === 'partition') {
    throw new DevicesError('DRIVE_NOT_ALLOWED', `${path} is a partition; name the whole card (for example /dev/sdb, not /dev/sdb2): the card tools find its NIXOS_SD partition themselves.`);
  }
  const system = assessDrive(drive, { allowNonRemovable: true }).problems.find((p) => p.code === 'DRIVE_IS_SYSTEM');
  if (system !== undefined) throw new DevicesError(system.code, system.message);
  if (drive.mountpoints.length > 0) throw mountedError(describeDrive(drive), drive.mountpoints);
  return drive;
}

/** An image file attached to a loop device that is mounted is as busy as a mounted card. */
async function checkImageFile(path: string, options: CardOpenOptions): Promise<void> {
  const losetup = await findProgram('losetup');
  const result = await run([losetup, '-j', path], { ...execOptions(options), parseable: true }).catch(() => undefined);
  if (result === undefined || result.exitCode !== 0) return;
  for (const line of result.stdout.split('\n')) {
    const device = /^(\/dev\/[^:]+):/.exec(line)?.[1];
    if (device === undefined) continue;
    const drive = await describeTarget(device, execOptions(options)).catch(() => undefined);
    if (drive !== undefined && drive.mountpoints.length > 0) throw mountedError(`${path} (through ${device})`, drive.mountpoints);
  }
}

async function readSuperblock(handle: FileHandle, offset: number): Promise<Ext4Superblock | undefined> {
  const buffer = Buffer.alloc(SUPERBLOCK_BYTES);
  const { bytesRead } = await handle.read(buffer, 0, SUPERBLOCK_BYTES, offset + SUPERBLOCK_OFFSET);
  return parseExt4Superblock(buffer.subarray(0, bytesRead));
}

async function readPartitions(card: string, options: CardOpenOptions): Promise<readonly CardPartition[] | undefined> {
  const sfdisk = await findProgram('sfdisk');
  const result = await run([sfdisk, '--json', card], { ...execOptions(options), parseable: true });
  if (result.exitCode !== 0) {
    if (/does not contain a recognized partition table/.test(result.stderr)) return undefined;
    if (/Permission denied/.test(result.stderr)) {
      throw new DevicesError('PERMISSION_DENIED', `No permission to read ${card}. Run the card tools as root (sudo nixos-devices card …) for a card in a reader.`);
    }
    throw new DevicesError('PROGRAM_FAILED', `sfdisk could not read the partition table of ${card}: ${result.stderr.trim()}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(result.stdout);
  } catch (error) {
    throw new DevicesError('PARSE_FAILED', `sfdisk printed something that is not JSON for ${card}.`, { cause: error, detail: result.stdout.slice(0, 2000) });
  }
  return parseSfdiskJson(json, card).partitions;
}

/** The partition's own device node (`/dev/sdb2`, `/dev/loop0p2`), found by its start in /sys. */
async function partitionNode(card: string, partition: CardPartition): Promise<string | undefined> {
  try {
    const name = basename(await realpath(card));
    const dir = join('/sys/class/block', name);
    for (const child of await readdir(dir)) {
      if (!child.startsWith(name)) continue;
      const start = await readFile(join(dir, child, 'start'), 'utf-8').catch(() => undefined);
      if (start !== undefined && Number(start.trim()) * 512 === partition.startBytes) return `/dev/${child}`;
    }
  } catch {
    // No sysfs (not Linux) or no partitions known to the kernel: the offset is used instead.
  }
  return undefined;
}

/** Locates and checks the card's NIXOS_SD file system. */
export async function openCardFilesystem(card: string, options: CardOpenOptions = {}): Promise<CardFilesystem> {
  const wanted = options.label ?? NIXOS_ROOT_LABEL;
  let info;
  try {
    info = await stat(card);
  } catch (error) {
    throw new DevicesError('NOT_FOUND', `${card} does not exist: name the card's device (for example /dev/sdb) or an image file.`, { cause: error });
  }
  if (!info.isFile() && !info.isBlockDevice()) throw new DevicesError('INVALID_ARGUMENT', `${card} is neither a block device nor an image file.`);
  // libext2fs reads "name?options": a '?' in the path would be taken for options.
  if (card.includes('?')) throw new DevicesError('INVALID_ARGUMENT', `${card}: paths with a "?" cannot be handed to debugfs; rename or link the image.`);
  const kind = info.isFile() ? 'file' : 'block';
  if (kind === 'block') await checkBlockDevice(card, options);
  else await checkImageFile(card, options);

  const partitions = await readPartitions(card, options);
  const warnings: string[] = [];
  let handle: FileHandle;
  try {
    handle = await open(card, constants.O_RDONLY);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw new DevicesError('PERMISSION_DENIED', `No permission to read ${card}. Run the card tools as root (sudo nixos-devices card …) for a card in a reader.`, { cause: error });
    throw new DevicesError('INTERNAL', `Could not open ${card}: ${String(error)}`, { cause: error });
  }
  let chosen: { partition: CardPartition | undefined; superblock: Ext4Superblock };
  try {
    if (partitions === undefined) {
      const superblock = await readSuperblock(handle, 0);
      if (superblock === undefined) {
        const compressed = /\.(zst|xz|gz)$/.test(card) ? ' It looks compressed: the card tools work on the raw .img (decompress it, or flash it and use the card).' : '';
        throw new DevicesError('IMAGE_INVALID', `${card} has no partition table and no ext4 file system: it is not a NixOS SD card or image.${compressed}`);
      }
      chosen = { partition: undefined, superblock };
    } else {
      const found: { partition: CardPartition; superblock: Ext4Superblock }[] = [];
      for (const partition of partitions) {
        const superblock = await readSuperblock(handle, partition.startBytes);
        if (superblock !== undefined) found.push({ partition, superblock });
      }
      const labelled = found.filter((f) => f.superblock.label === wanted);
      const [first] = labelled.length > 0 ? labelled : found;
      if (first === undefined) {
        throw new DevicesError('IMAGE_INVALID', `${card} has no ext4 partition (it has ${String(partitions.length)} partitions): it is not a NixOS SD card or image.`);
      }
      if (labelled.length > 1) warnings.push(`${card} has ${String(labelled.length)} partitions labelled ${wanted}; using partition ${String(first.partition.number)}.`);
      if (labelled.length === 0) {
        if (found.length > 1) {
          throw new DevicesError('IMAGE_INVALID', `${card} has no partition labelled ${wanted} and ${String(found.length)} ext4 partitions (${found.map((f) => `${String(f.partition.number)}: "${f.superblock.label}"`).join(', ')}); cannot tell which is the NixOS root.`);
        }
        warnings.push(`${card} has no partition labelled ${wanted}; using its only ext4 partition, number ${String(first.partition.number)} ("${first.superblock.label}").`);
      }
      chosen = first;
    }
  } finally {
    await handle.close();
  }
  const where = chosen.partition === undefined ? card : `partition ${String(chosen.partition.number)} of ${card}`;
  if (chosen.superblock.needsRecovery) {
    throw new DevicesError(
      'DRIVE_MOUNTED',
      `The file system on ${where} was not unmounted cleanly (its journal holds changes not yet applied): changing it now could be undone by the journal. Shut the board down cleanly, or run e2fsck on it first (e2fsck -p ${chosen.partition === undefined ? card : `the partition (${where})`}).`,
    );
  }
  const partition = chosen.partition;
  const node = kind === 'block' && partition !== undefined ? await partitionNode(card, partition) : undefined;
  const debugfsTarget = node ?? (partition === undefined || partition.startBytes === 0 ? card : `${card}?offset=${String(partition.startBytes)}`);
  (options.logger ?? SILENT_LOGGER).debug(`card: ${where} is "${chosen.superblock.label}"; debugfs opens ${debugfsTarget}`);
  return {
    card,
    kind,
    partition,
    label: chosen.superblock.label,
    debugfsTarget,
    flushDevices: kind === 'block' ? [card, ...(node === undefined ? [] : [node])] : [],
    warnings,
  };
}

/**
 * Holds the card open exclusively (O_EXCL) while it is changed, so nothing can mount it in the
 * meantime (a desktop automounter would get EBUSY); debugfs's own plain open is unaffected.
 * Returns the release function; a no-op for image files.
 */
export async function claimCard(fs: CardFilesystem): Promise<() => Promise<void>> {
  if (fs.kind !== 'block') return async () => undefined;
  let handle: FileHandle;
  try {
    handle = await open(fs.card, constants.O_RDONLY | constants.O_EXCL);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EBUSY') throw new DevicesError('DRIVE_MOUNTED', `${fs.card} is in use (mounted or opened by another program). Unmount it and try again.`, { cause: error });
    if (code === 'EACCES' || code === 'EPERM') throw new DevicesError('PERMISSION_DENIED', `No permission to write ${fs.card}. Run the card tools as root (sudo nixos-devices card …).`, { cause: error });
    throw new DevicesError('INTERNAL', `Could not open ${fs.card}: ${String(error)}`, { cause: error });
  }
  return async () => handle.close();
}

/** Drops the kernel's cached blocks of the card and its partition node, so a later mount reads what debugfs wrote. */
export async function flushCardBuffers(fs: CardFilesystem, options: CardOpenOptions = {}): Promise<void> {
  if (fs.flushDevices.length === 0) return;
  const blockdev = await findProgram('blockdev');
  for (const device of fs.flushDevices) {
    await run([blockdev, '--flushbufs', device], { ...execOptions(options), parseable: true }).catch(() => undefined);
  }
}
