/**
 * macOS drives from `diskutil list -plist` and `diskutil info -plist diskN`, turned into JSON by
 * `plutil -convert json` (so no plist parser is needed). Written from Apple's documented keys;
 * not run here (no macOS in CI): the parser is tested over a hand-written fixture.
 *
 * APFS hides the physical disk behind a synthesized container (disk3 → volumes mounted at / and
 * /System/Volumes/Data); `APFSPhysicalStores` names the partition it lives on (disk0s2), so
 * those mount points are credited to disk0.
 */
import { DevicesError } from '../errors';
import { runChecked, type ExecOptions } from '../exec';
import { cleanLabel } from './clean-label';
import type { Drive } from './drive';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** disk0s2 → disk0 */
export function wholeDiskOf(identifier: string): string {
  return identifier.replace(/^(disk\d+).*$/, '$1');
}

/** Mount points per whole disk, following APFS containers to their physical stores. */
function mountpointsByDisk(listing: Json): Map<string, string[]> {
  const byDisk = new Map<string, string[]>();
  const add = (disk: string, mountpoint: string | undefined): void => {
    if (mountpoint === undefined) return;
    byDisk.set(disk, [...(byDisk.get(disk) ?? []), mountpoint]);
  };
  for (const entry of list(listing['AllDisksAndPartitions'])) {
    const id = str(entry['DeviceIdentifier']);
    if (id === undefined) continue;
    const stores = list(entry['APFSPhysicalStores']).map((s) => str(s['DeviceIdentifier'])).filter((s): s is string => s !== undefined);
    const owners = stores.length > 0 ? stores.map(wholeDiskOf) : [id];
    const volumes = [entry, ...list(entry['Partitions']), ...list(entry['APFSVolumes'])];
    for (const volume of volumes) for (const owner of owners) add(owner, str(volume['MountPoint']));
  }
  return byDisk;
}

/** `listing`: diskutil list as JSON; `infos`: diskutil info as JSON per whole disk identifier. */
export function parseDiskutil(listing: unknown, infos: ReadonlyMap<string, unknown>): Drive[] {
  if (!isObject(listing) || !Array.isArray(listing['WholeDisks'])) {
    throw new DevicesError('PARSE_FAILED', 'diskutil printed no WholeDisks list.');
  }
  const mounts = mountpointsByDisk(listing);
  const drives: Drive[] = [];
  for (const id of listing['WholeDisks'].filter((d): d is string => typeof d === 'string')) {
    const info = infos.get(id);
    if (!isObject(info)) continue;
    // Synthesized APFS containers and disk images are not hardware a card could be in.
    if (info['VirtualOrPhysical'] === 'Virtual' || (info['APFSContainerReference'] !== undefined && info['APFSPhysicalStores'] !== undefined)) continue;
    const bus = str(info['BusProtocol']);
    const size = info['TotalSize'] ?? info['Size'];
    const model = cleanLabel(str(info['MediaName']) ?? '');
    drives.push({
      path: str(info['DeviceNode']) ?? `/dev/${id}`,
      name: id,
      kind: 'disk',
      size: typeof size === 'number' ? size : 0,
      removable: info['RemovableMedia'] === true || info['Removable'] === true || (info['Ejectable'] === true && info['Internal'] !== true),
      hotplug: info['Internal'] === false,
      transport: bus === undefined ? undefined : bus === 'Secure Digital' ? 'sd' : cleanLabel(bus).toLowerCase(),
      model: model === '' ? undefined : model,
      readOnly: info['WritableMedia'] === false,
      mountpoints: mounts.get(id) ?? [],
      holdsSwap: false,
    });
  }
  return drives;
}

async function plistJson(argv: readonly string[], options: ExecOptions): Promise<unknown> {
  const plist = await runChecked(argv, { ...options, parseable: true });
  const json = await runChecked(['plutil', '-convert', 'json', '-o', '-', '-'], { ...options, parseable: true, stdin: plist.stdout });
  return JSON.parse(json.stdout) as unknown;
}

/** Runs diskutil (macOS only). */
export async function listDrivesDarwin(options: ExecOptions = {}): Promise<Drive[]> {
  const listing = await plistJson(['diskutil', 'list', '-plist'], options);
  const infos = new Map<string, unknown>();
  const wholeDisks = isObject(listing) && Array.isArray(listing['WholeDisks']) ? listing['WholeDisks'] : [];
  for (const id of wholeDisks) {
    if (typeof id === 'string') infos.set(id, await plistJson(['diskutil', 'info', '-plist', id], options));
  }
  return parseDiskutil(listing, infos);
}
