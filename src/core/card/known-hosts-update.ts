/**
 * Recording a pre-seeded host key in a known_hosts file. A reflashed board has new keys, so what
 * is on record for its names is stale and is replaced, never silently: the plan lists every entry
 * it removes (the caller says so, or asks, before anything is written) and the result returns them.
 *
 * Only exact records of a name are touched: a hashed line for it is removed; in a pattern line the
 * name itself is taken out of the list (the line goes when no name is left). Wildcard patterns
 * (`*.local`), `@revoked` and `@cert-authority` lines are left alone: the new line is enough for
 * a match, since both OpenSSH and core/remote accept a host when any of its recorded keys matches.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readFile, realpath, rename, rm } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { DevicesError } from '../errors';
import { entryMatchesName, fingerprintSha256, formatKnownHostLine, parseKnownHosts, type KnownHostEntry } from '../remote';

export interface ReplacedKnownHost {
  readonly file: string;
  /** 1-based line in the file as it was. */
  readonly line: number;
  readonly text: string;
  readonly keyType: string;
  readonly fingerprintSha256: string;
  /** `line`: the whole line went; `name`: only these names were taken out of its host list. */
  readonly removed: 'line' | 'name';
  readonly names: readonly string[];
}

export interface KnownHostsPlan {
  readonly file: string;
  /** The file's new text. */
  readonly text: string;
  /** Lines appended, one per name. */
  readonly added: readonly string[];
  readonly replaced: readonly ReplacedKnownHost[];
  /** The key was already recorded for every name exactly as it would be added: nothing to write. */
  readonly unchanged: boolean;
}

export interface KnownHostsPlanOptions {
  /** Hash the new lines (HashKnownHosts yes). */
  readonly hashed: boolean;
  /** Salts for hashed lines, one per name (tests); random otherwise. */
  readonly salts?: readonly Buffer[];
}

function literalPatternFor(patterns: readonly string[], name: string): string[] {
  return patterns.filter((p) => p.toLowerCase() === name.toLowerCase());
}

/**
 * Plans the new text of `file` (current content `text`) with `key` recorded for each of `names`
 * (known_hosts names: `host`, or `[host]:port` off port 22).
 */
export function planKnownHostsUpdate(text: string, file: string, names: readonly string[], key: Buffer, options: KnownHostsPlanOptions): KnownHostsPlan {
  if (names.length === 0) throw new DevicesError('INVALID_ARGUMENT', 'Name at least one host to record the key for.');
  const entries = parseKnownHosts(text, file);
  const lines = text === '' ? [] : text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  const replaced: ReplacedKnownHost[] = [];
  const removeLine = new Set<number>();
  const rewrite = new Map<number, string>();
  // Already exactly right: one plain or hashed line per name, each with this key and nothing else on record.
  const exact = names.every((name) => {
    const recorded = entries.filter((e) => e.marker === undefined && entryMatchesName(e, name));
    return recorded.length > 0 && recorded.every((e) => e.key.equals(key));
  });
  if (exact) return { file, text, added: [], replaced: [], unchanged: true };

  for (const entry of entries) {
    if (entry.marker !== undefined) continue;
    const matched = names.filter((name) => entryMatchesName(entry, name));
    if (matched.length === 0) continue;
    const base = { file, line: entry.line, text: entry.text, keyType: entry.keyType, fingerprintSha256: fingerprintSha256(entry.key) };
    // The same key on record is re-added below, not "replaced".
    const report = (r: ReplacedKnownHost): void => {
      if (!entry.key.equals(key)) replaced.push(r);
    };
    if (entry.names.kind === 'hashed') {
      removeLine.add(entry.line);
      report({ ...base, removed: 'line', names: matched });
      continue;
    }
    const literal = matched.flatMap((name) => literalPatternFor(entry.names.kind === 'patterns' ? entry.names.patterns : [], name));
    if (literal.length === 0) continue; // matched through a wildcard: left alone
    const remaining = entry.names.patterns.filter((p) => !literal.includes(p));
    if (remaining.length === 0) {
      removeLine.add(entry.line);
      report({ ...base, removed: 'line', names: literal });
    } else {
      rewrite.set(entry.line, rewriteHosts(entry, remaining));
      report({ ...base, removed: 'name', names: literal });
    }
  }
  const added = names.map((name, index) => {
    const salt = options.salts?.[index];
    return formatKnownHostLine(name, key, { hashed: options.hashed, ...(salt === undefined ? {} : { salt }) });
  });
  const kept = lines.flatMap((line, index) => (removeLine.has(index + 1) ? [] : [rewrite.get(index + 1) ?? line]));
  const body = kept.length === 0 ? '' : `${kept.join('\n')}\n`;
  return { file, text: `${body}${added.join('\n')}\n`, added, replaced, unchanged: false };
}

/** The entry's line with its host list replaced, everything else kept as written. */
function rewriteHosts(entry: KnownHostEntry, hosts: readonly string[]): string {
  const match = /^(\s*(?:@\S+\s+)?)(\S+)(.*)$/s.exec(entry.text);
  if (match === null) return entry.text;
  return `${match[1] ?? ''}${hosts.join(',')}${match[3] ?? ''}`;
}

/** Reads a known_hosts file; a missing one is empty. */
export async function readKnownHostsText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf-8');
  } catch (error) {
    // Not there (or a folder on the way is a file): empty; writing it will say what is wrong.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return '';
    throw new DevicesError('PERMISSION_DENIED', `Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}. Name another file with --known-hosts.`, { cause: error });
  }
}

async function removeQuietly(path: string): Promise<void> {
  await rm(path, { force: true }).catch(() => undefined);
}

/** A known_hosts update written aside and not yet in place. */
export interface PendingKnownHosts {
  /** Renames the new file over the old one. */
  commit(): Promise<void>;
  /** Removes the new file; the old one is untouched. */
  abort(): Promise<void>;
}

function knownHostsError(plan: KnownHostsPlan, error: unknown): DevicesError {
  const code = (error as NodeJS.ErrnoException).code;
  const denied = code !== undefined && ['EACCES', 'EROFS', 'EPERM', 'ENOENT', 'ENOTDIR', 'EEXIST', 'EISDIR'].includes(code);
  return new DevicesError(denied ? 'PERMISSION_DENIED' : 'INTERNAL', `Cannot update ${plan.file}: ${error instanceof Error ? error.message : String(error)}. Name another file with --known-hosts, or add the line yourself: ${plan.added.join(' / ')}`, { cause: error });
}

/**
 * Writes the planned text beside the file (same folder, fsynced) without putting it in place, so
 * a known_hosts that cannot be written is found before the card is changed. `commit` renames it
 * over the old file: a crash leaves the old or the new file, never half of one. A symlinked file
 * (home-manager) is written where the link points; ~/.ssh is created with mode 700, the file 600.
 */
export async function prepareKnownHosts(plan: KnownHostsPlan): Promise<PendingKnownHosts> {
  if (plan.unchanged) return { commit: async () => undefined, abort: async () => undefined };
  let target = plan.file;
  try {
    if ((await lstat(plan.file)).isSymbolicLink()) target = await realpath(plan.file);
  } catch {
    // A new file.
  }
  const temp = join(dirname(target), `.${basename(target)}.nixos-devices-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(plan.text, 'utf-8');
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await removeQuietly(temp);
    throw knownHostsError(plan, error);
  }
  return {
    commit: async () => {
      try {
        await rename(temp, target);
      } catch (error) {
        await removeQuietly(temp);
        throw knownHostsError(plan, error);
      }
    },
    abort: () => removeQuietly(temp),
  };
}

/** Writes the planned text in place (prepare, then commit). */
export async function writeKnownHosts(plan: KnownHostsPlan): Promise<void> {
  await (await prepareKnownHosts(plan)).commit();
}
