/**
 * Lists drives on this computer, and describes one target (a device or a plain file) for the
 * writer, which re-applies the policy itself right before writing. Linux only: lsblk and
 * /proc/swaps; macOS: diskutil (docs/flash-macos.md).
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { DevicesError } from '../errors';
import { runChecked } from '../exec';
import type { Logger } from '../log';
import { cleanLabel } from './clean-label';
import type { Drive } from './drive';
import { listDrivesDarwin } from './diskutil';
import { diskIdentifier } from './macos-disk';
import { LSBLK_COLUMNS, parseLsblk, parseProcSwaps } from './lsblk';

export interface ListDrivesOptions {
  readonly logger?: Logger;
  readonly signal?: AbortSignal;
  /** Which system to ask; process.platform when not given. */
  readonly platform?: NodeJS.Platform;
}

async function activeSwaps(): Promise<string[]> {
  try {
    return parseProcSwaps(await readFile('/proc/swaps', 'utf-8'));
  } catch {
    return [];
  }
}

async function lsblk(devices: readonly string[], options: ListDrivesOptions): Promise<Drive[]> {
  if (process.platform !== 'linux') {
    throw new DevicesError('UNSUPPORTED', `Listing drives is not supported on ${process.platform} yet.`);
  }
  const result = await runChecked(['lsblk', '--json', '--bytes', '--output', LSBLK_COLUMNS.join(','), ...devices], {
    parseable: true,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  let json: unknown;
  try {
    json = JSON.parse(result.stdout);
  } catch (error) {
    throw new DevicesError('PARSE_FAILED', 'lsblk printed something that is not JSON.', { cause: error, detail: result.stdout.slice(0, 2000) });
  }
  return parseLsblk(json, await activeSwaps());
}

/** Every whole disk, loop device and CD this computer has (the policy decides which are offered). */
export async function listDrives(options: ListDrivesOptions = {}): Promise<Drive[]> {
  if ((options.platform ?? process.platform) === 'darwin') {
    return listDrivesDarwin({ ...(options.logger === undefined ? {} : { logger: options.logger }), ...(options.signal === undefined ? {} : { signal: options.signal }) });
  }
  return lsblk([], options);
}

/** A device path or a plain file as a Drive. */
export async function describeTarget(path: string, options: ListDrivesOptions = {}): Promise<Drive> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new DevicesError('NOT_FOUND', `${path} does not exist: no such drive or file.`, { cause: error });
  }
  if (info.isFile()) {
    return {
      path,
      name: cleanLabel(basename(path)),
      kind: 'file',
      size: info.size,
      removable: false,
      hotplug: false,
      transport: undefined,
      model: undefined,
      readOnly: false,
      mountpoints: [],
      holdsSwap: (await activeSwaps()).includes(path),
    };
  }
  if ((options.platform ?? process.platform) === 'darwin') {
    // The whole listing, not `diskutil info` of this disk alone: APFS volumes are credited to the
    // physical disk only from the containers listed beside it, and the policy needs those mounts.
    const id = diskIdentifier(path);
    const found = (await listDrivesDarwin({ ...(options.logger === undefined ? {} : { logger: options.logger }), ...(options.signal === undefined ? {} : { signal: options.signal }) })).find((d) => d.name === id);
    if (found === undefined) throw new DevicesError('NOT_FOUND', `diskutil does not list ${path} as a whole physical disk.`);
    return found;
  }
  if (!info.isBlockDevice()) throw new DevicesError('DRIVE_NOT_ALLOWED', `${path} is neither a block device nor a plain file.`);
  const [drive] = await lsblk([path], options);
  if (drive === undefined) throw new DevicesError('NOT_FOUND', `lsblk does not know ${path}.`);
  return drive;
}
