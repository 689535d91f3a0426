import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLsblk, type Drive } from '../../../../src/core/flash';

export const FLASH_FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'flash');

/** The drives of one recorded machine, by kernel name. */
export function machine(name: string, swaps: readonly string[] = []): Map<string, Drive> {
  const json: unknown = JSON.parse(readFileSync(join(FLASH_FIXTURES, 'lsblk', `${name}.json`), 'utf-8'));
  return new Map(parseLsblk(json, swaps).map((d) => [d.name, d]));
}

export function drive(drives: Map<string, Drive>, name: string): Drive {
  const found = drives.get(name);
  if (found === undefined) throw new Error(`fixture has no drive ${name}`);
  return found;
}
