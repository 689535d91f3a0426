/**
 * Decides what a presented host key means against every known_hosts entry on record (the user's
 * files and the global ones, which NixOS fills from `programs.ssh.knownHosts`), and orders the host
 * key algorithms we offer so the server presents a key type we know: a host recorded only by its
 * RSA key must not be refused as "changed" because it also has an ed25519 key.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { entryMatchesName, parseKnownHosts, type KnownHostEntry } from './known-hosts';

export type HostKeyVerdict =
  | { readonly kind: 'known'; readonly entry: KnownHostEntry }
  | { readonly kind: 'unknown' }
  /** The host is on record, but with other keys: a possible man in the middle. */
  | { readonly kind: 'changed'; readonly recorded: readonly KnownHostEntry[] }
  | { readonly kind: 'revoked'; readonly entry: KnownHostEntry };

/** Host key algorithms ssh2 1.17 supports, in its default order. */
const SUPPORTED_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
] as const;

/** The algorithms that prove possession of a key of this type (RFC 8332 for RSA). */
function algorithmsForKeyType(keyType: string): readonly string[] {
  return keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [keyType];
}

/** Reads every known_hosts file that exists; a missing file is simply empty. */
export async function readKnownHostsFiles(files: readonly string[]): Promise<KnownHostEntry[]> {
  const all: KnownHostEntry[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf-8');
    } catch {
      continue;
    }
    all.push(...parseKnownHosts(text, file));
  }
  return all;
}

/** Offered algorithms: the key types on record for `name` first, then the rest. */
export function orderHostKeyAlgorithms(entries: readonly KnownHostEntry[], name: string): string[] {
  const preferred: string[] = [];
  for (const entry of entries) {
    if (entry.marker !== undefined || !entryMatchesName(entry, name)) continue;
    for (const algorithm of algorithmsForKeyType(entry.keyType)) {
      if ((SUPPORTED_ALGORITHMS as readonly string[]).includes(algorithm) && !preferred.includes(algorithm)) {
        preferred.push(algorithm);
      }
    }
  }
  return [...preferred, ...SUPPORTED_ALGORITHMS.filter((a) => !preferred.includes(a))];
}

export function checkHostKey(entries: readonly KnownHostEntry[], name: string, key: Buffer): HostKeyVerdict {
  // A revoked key is refused whatever host it is listed for (sshd(8): @revoked).
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key.equals(key));
  if (revoked !== undefined) return { kind: 'revoked', entry: revoked };
  const recorded = entries.filter((e) => e.marker === undefined && entryMatchesName(e, name));
  const match = recorded.find((e) => e.key.equals(key));
  if (match !== undefined) return { kind: 'known', entry: match };
  return recorded.length === 0 ? { kind: 'unknown' } : { kind: 'changed', recorded };
}

/** Appends one line, creating ~/.ssh (mode 700) and the file (mode 600) when needed. */
export async function appendKnownHost(file: string, line: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  let prefix = '';
  try {
    const existing = await readFile(file);
    if (existing.length > 0 && existing[existing.length - 1] !== 0x0a) prefix = '\n';
  } catch {
    // A new file.
  }
  await appendFile(file, `${prefix}${line}\n`, { mode: 0o600 });
}
