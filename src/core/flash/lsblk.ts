/**
 * Parses `lsblk --json -b -o LSBLK_COLUMNS` into Drives. lsblk nests partitions, LUKS mappings,
 * LVM volumes and RAID arrays as `children`, so walking them finds every mount point on a disk.
 * util-linux ≥ 2.37 prints numbers and booleans and a MOUNTPOINTS array; older versions print
 * strings ("1", "31914983424") and a single MOUNTPOINT: both are accepted.
 */
import { DevicesError } from '../errors';
import { cleanLabel } from './clean-label';
import type { Drive, DriveKind } from './drive';

export const LSBLK_COLUMNS = ['NAME', 'KNAME', 'PATH', 'SIZE', 'RM', 'HOTPLUG', 'TRAN', 'TYPE', 'MOUNTPOINTS', 'VENDOR', 'MODEL', 'RO', 'PKNAME'] as const;

/** Mount point text lsblk shows for an active swap area. */
export const SWAP_MOUNTPOINT = '[SWAP]';

type Row = Record<string, unknown>;

function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(row: Row, key: string): string | undefined {
  const value = row[key];
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function flag(row: Row, key: string): boolean {
  const value = row[key];
  return value === true || value === 1 || value === '1' || value === 'true';
}

function bytes(row: Row, key: string): number {
  const value = row[key];
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : 0;
}

function ownMountpoints(row: Row): string[] {
  const many = row['mountpoints'];
  const list = Array.isArray(many) ? many : [row['mountpoint']];
  return list.filter((m): m is string => typeof m === 'string' && m.length > 0);
}

function kindOf(type: string | undefined): DriveKind {
  switch (type) {
    case 'disk':
      return 'disk';
    case 'loop':
      return 'loop';
    case 'part':
      return 'partition';
    case 'rom':
      return 'rom';
    default:
      return 'other';
  }
}

/** Every device at or below `row`: itself, partitions, and what is stacked on them. */
function walk(row: Row, visit: (row: Row) => void): void {
  visit(row);
  const children = row['children'];
  if (Array.isArray(children)) for (const child of children) if (isRow(child)) walk(child, visit);
}

/** `swapPaths` are the first column of /proc/swaps (`/dev/sda3`, `/dev/dm-1`). */
export function parseLsblk(json: unknown, swapPaths: readonly string[] = []): Drive[] {
  const devices = isRow(json) ? json['blockdevices'] : undefined;
  if (!Array.isArray(devices)) throw new DevicesError('PARSE_FAILED', 'lsblk printed no "blockdevices" list.', { detail: JSON.stringify(json).slice(0, 2000) });
  const swaps = new Set(swapPaths.map((p) => p.replace(/^\/dev\//, '')));
  return devices.filter(isRow).map((row) => {
    const mountpoints: string[] = [];
    let holdsSwap = false;
    walk(row, (r) => {
      const own = ownMountpoints(r);
      if (own.includes(SWAP_MOUNTPOINT)) holdsSwap = true;
      mountpoints.push(...own.filter((m) => m !== SWAP_MOUNTPOINT));
      for (const key of ['kname', 'name', 'path']) {
        const value = text(r, key);
        if (value !== undefined && swaps.has(value.replace(/^\/dev\//, ''))) holdsSwap = true;
      }
    });
    const name = text(row, 'name') ?? text(row, 'kname') ?? '?';
    const vendorModel = [text(row, 'vendor'), text(row, 'model')].filter((s) => s !== undefined).join(' ');
    const model = cleanLabel(vendorModel);
    const transport = text(row, 'tran');
    return {
      path: text(row, 'path') ?? `/dev/${name}`,
      name: cleanLabel(name),
      kind: kindOf(text(row, 'type')),
      size: bytes(row, 'size'),
      removable: flag(row, 'rm'),
      hotplug: flag(row, 'hotplug'),
      transport: transport === undefined ? undefined : cleanLabel(transport).toLowerCase(),
      model: model === '' ? undefined : model,
      readOnly: flag(row, 'ro'),
      mountpoints,
      holdsSwap,
    };
  });
}

/** The device paths of active swap areas, from /proc/swaps. */
export function parseProcSwaps(text: string): string[] {
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.split(/\s+/)[0] ?? '')
    .filter((path) => path.length > 0)
    // /proc/swaps escapes spaces in paths as \040.
    .map((path) => path.replace(/\\040/g, ' '));
}
