/**
 * What a deploy changes: the packages of the new closure against the board's current one
 * (added, removed, changed with versions) and the size delta, like nvd's diff. Pure: it works on
 * the path and size lists that closure-info.ts collects here and on the board.
 */
import { parseDrvName, storePathName } from './drv-name';

export interface ClosurePath {
  readonly path: string;
  /** NAR size in bytes. */
  readonly narSize: number;
}

export interface PackageVersions {
  readonly name: string;
  /** Sorted; "" for a path without a version. */
  readonly versions: readonly string[];
  readonly size: number;
}

export interface PackageChange {
  readonly name: string;
  readonly before: readonly string[];
  readonly after: readonly string[];
  readonly sizeDelta: number;
}

export interface ClosureDiff {
  readonly added: readonly PackageVersions[];
  readonly removed: readonly PackageVersions[];
  readonly changed: readonly PackageChange[];
  readonly sizeBefore: number;
  readonly sizeAfter: number;
  readonly sizeDelta: number;
  /** Store paths only in the new / only in the old closure (rebuilds included). */
  readonly pathsAdded: number;
  readonly pathsRemoved: number;
}

interface Group {
  readonly versions: Set<string>;
  size: number;
}

function group(closure: readonly ClosurePath[]): Map<string, Group> {
  const groups = new Map<string, Group>();
  for (const { path, narSize } of closure) {
    const { name, version } = parseDrvName(storePathName(path));
    const entry = groups.get(name) ?? { versions: new Set<string>(), size: 0 };
    entry.versions.add(version);
    entry.size += narSize;
    groups.set(name, entry);
  }
  return groups;
}

const byName = <T extends { readonly name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function sorted(versions: Set<string>): string[] {
  return [...versions].sort();
}

export function diffClosures(before: readonly ClosurePath[], after: readonly ClosurePath[]): ClosureDiff {
  const old = group(before);
  const now = group(after);
  const added: PackageVersions[] = [];
  const removed: PackageVersions[] = [];
  const changed: PackageChange[] = [];
  for (const [name, entry] of now) {
    const previous = old.get(name);
    if (previous === undefined) {
      added.push({ name, versions: sorted(entry.versions), size: entry.size });
      continue;
    }
    const a = sorted(previous.versions);
    const b = sorted(entry.versions);
    if (a.join('\0') !== b.join('\0')) changed.push({ name, before: a, after: b, sizeDelta: entry.size - previous.size });
  }
  for (const [name, entry] of old) {
    if (!now.has(name)) removed.push({ name, versions: sorted(entry.versions), size: entry.size });
  }
  const sum = (list: readonly ClosurePath[]): number => list.reduce((total, p) => total + p.narSize, 0);
  const oldPaths = new Set(before.map((p) => p.path));
  const newPaths = new Set(after.map((p) => p.path));
  const sizeBefore = sum(before);
  const sizeAfter = sum(after);
  return {
    added: added.sort(byName),
    removed: removed.sort(byName),
    changed: changed.sort(byName),
    sizeBefore,
    sizeAfter,
    sizeDelta: sizeAfter - sizeBefore,
    pathsAdded: [...newPaths].filter((p) => !oldPaths.has(p)).length,
    pathsRemoved: [...oldPaths].filter((p) => !newPaths.has(p)).length,
  };
}

/** A short text for the log and the CLI: "3 added, 1 removed, 2 changed, +1.2 MiB". */
export function summarizeDiff(diff: ClosureDiff): string {
  const mib = diff.sizeDelta / (1024 * 1024);
  const size = `${mib >= 0 ? '+' : ''}${mib.toFixed(1)} MiB`;
  return `${String(diff.added.length)} added, ${String(diff.removed.length)} removed, ${String(diff.changed.length)} changed, ${size}`;
}
