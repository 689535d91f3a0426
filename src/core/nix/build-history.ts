/**
 * Durations of earlier builds by package name (derivation name without hash and version: a new
 * gcc version takes about as long as the last), for the ETA of a plan. A small JSON file; the
 * extension points it at its globalStorage. A missing or corrupt file is an empty history.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { packageName } from './build-progress-model';

/** Durations kept per package (the estimate is their median). */
const SAMPLES_PER_PACKAGE = 5;
/** Packages kept; the least recently built are dropped first. */
const MAX_PACKAGES = 5_000;

interface Entry {
  durationsMs: number[];
  lastBuiltAt: number;
}

export interface BuildEstimate {
  /** Sum of the estimates of the derivations with a history. */
  readonly knownMs: number;
  readonly known: number;
  /** Derivations never built here before: no estimate. */
  readonly unknown: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class BuildHistory {
  private entries = new Map<string, Entry>();
  private loaded = false;

  constructor(readonly file: string) {}

  async load(): Promise<void> {
    this.loaded = true;
    let data: unknown;
    try {
      data = JSON.parse(await readFile(this.file, 'utf-8')) as unknown;
    } catch {
      return; // first run, or a file we cannot read: start empty rather than fail a build
    }
    const packages = isRecord(data) && isRecord(data['packages']) ? data['packages'] : {};
    const built = (value: unknown): number => (isRecord(value) && typeof value['lastBuiltAt'] === 'number' ? value['lastBuiltAt'] : 0);
    // Oldest first: the Map's order is the eviction order.
    for (const [name, value] of Object.entries(packages).sort((a, b) => built(a[1]) - built(b[1]))) {
      if (!isRecord(value) || !Array.isArray(value['durationsMs'])) continue;
      const durationsMs = value['durationsMs'].filter((d): d is number => typeof d === 'number' && Number.isFinite(d) && d >= 0);
      const lastBuiltAt = typeof value['lastBuiltAt'] === 'number' ? value['lastBuiltAt'] : 0;
      if (durationsMs.length > 0) this.entries.set(name, { durationsMs: durationsMs.slice(-SAMPLES_PER_PACKAGE), lastBuiltAt });
    }
  }

  /** Records one finished build of a derivation (its name with version; the version is dropped). */
  record(drvName: string, durationMs: number, at = Date.now()): void {
    const name = packageName(drvName);
    const entry = this.entries.get(name) ?? { durationsMs: [], lastBuiltAt: at };
    entry.durationsMs.push(Math.max(0, Math.round(durationMs)));
    if (entry.durationsMs.length > SAMPLES_PER_PACKAGE) entry.durationsMs.shift();
    entry.lastBuiltAt = at;
    this.entries.delete(name); // re-insert: Map order is the recency order used for eviction
    this.entries.set(name, entry);
    while (this.entries.size > MAX_PACKAGES) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  /** The median of earlier durations of this package, or undefined when never built here. */
  estimateMs(drvName: string): number | undefined {
    const durations = this.entries.get(packageName(drvName))?.durationsMs;
    if (durations === undefined || durations.length === 0) return undefined;
    const sorted = [...durations].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  }

  /** The estimate for a set of derivation names, built one after the other. */
  estimate(drvNames: Iterable<string>): BuildEstimate {
    let knownMs = 0;
    let known = 0;
    let unknown = 0;
    for (const name of drvNames) {
      const ms = this.estimateMs(name);
      if (ms === undefined) unknown++;
      else {
        knownMs += ms;
        known++;
      }
    }
    return { knownMs, known, unknown };
  }

  /** Writes atomically (a temp file renamed over), so a crash never leaves half a file. */
  async save(): Promise<void> {
    if (!this.loaded) await this.mergeFromDisk();
    const packages: Record<string, Entry> = {};
    for (const [name, entry] of this.entries) packages[name] = entry;
    await mkdir(dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify({ version: 1, packages }));
    await rename(temp, this.file);
  }

  /** Records made before load() must not erase the file's history. */
  private async mergeFromDisk(): Promise<void> {
    const mine = this.entries;
    this.entries = new Map();
    await this.load();
    for (const [name, entry] of mine) {
      const old = this.entries.get(name);
      this.entries.delete(name);
      this.entries.set(name, old === undefined ? entry : { durationsMs: [...old.durationsMs, ...entry.durationsMs].slice(-SAMPLES_PER_PACKAGE), lastBuiltAt: entry.lastBuiltAt });
    }
  }
}
