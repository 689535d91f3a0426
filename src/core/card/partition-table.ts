/**
 * A card's partition table as `sfdisk --json` prints it (util-linux 2.38: `partitiontable` with
 * `unit: "sectors"`, `sectorsize`, and `partitions[]` of `node`, `start`, `size`, `type`, optional
 * `name` on GPT). Pure, so the card tools and their tests read the same structure.
 */
import { DevicesError } from '../errors';

export interface CardPartition {
  /** 1-based, as the kernel numbers it (`sdb2` is 2). */
  readonly number: number;
  readonly startBytes: number;
  readonly sizeBytes: number;
  /** MBR type (`83`) or GPT type GUID, as sfdisk prints it. */
  readonly type: string;
  /** GPT partition name; MBR has none. */
  readonly name?: string;
}

export interface PartitionTable {
  readonly label: string;
  readonly partitions: readonly CardPartition[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberFromNode(node: unknown, index: number): number {
  const match = typeof node === 'string' ? /(\d+)$/.exec(node) : null;
  return match?.[1] === undefined ? index + 1 : Number(match[1]);
}

/** Parses sfdisk's JSON; throws PARSE_FAILED naming `device` when it is not that shape. */
export function parseSfdiskJson(json: unknown, device: string): PartitionTable {
  const table = isRecord(json) ? json['partitiontable'] : undefined;
  if (!isRecord(table)) throw new DevicesError('PARSE_FAILED', `sfdisk printed no partition table for ${device}.`);
  const unit = table['unit'];
  if (unit !== undefined && unit !== 'sectors') throw new DevicesError('PARSE_FAILED', `sfdisk reported ${device} in "${JSON.stringify(unit)}", not sectors.`);
  const sectorSize = typeof table['sectorsize'] === 'number' ? table['sectorsize'] : 512;
  const raw = Array.isArray(table['partitions']) ? table['partitions'] : [];
  const partitions = raw.filter(isRecord).map((p, index): CardPartition => {
    const start = p['start'];
    const size = p['size'];
    if (typeof start !== 'number' || typeof size !== 'number') {
      throw new DevicesError('PARSE_FAILED', `sfdisk printed a partition of ${device} without start or size.`);
    }
    const name = typeof p['name'] === 'string' && p['name'] !== '' ? { name: p['name'] } : {};
    return { number: numberFromNode(p['node'], index), startBytes: start * sectorSize, sizeBytes: size * sectorSize, type: typeof p['type'] === 'string' ? p['type'] : '', ...name };
  });
  return { label: typeof table['label'] === 'string' ? table['label'] : 'unknown', partitions };
}
