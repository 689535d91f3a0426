/**
 * known_hosts files (sshd(8), SSH_KNOWN_HOSTS FILE FORMAT): `[marker] hosts keytype base64key
 * [comment]`. Hosts are a comma list of patterns (`[host]:port` for ports other than 22) or one
 * hashed name `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`. Markers: `@revoked` is honoured;
 * `@cert-authority` lines are read but host certificates are not supported, so they never vouch
 * for a key.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { matchHostPatterns } from './host-pattern';

export type KnownHostMarker = 'revoked' | 'cert-authority';

export type KnownHostNames =
  | { readonly kind: 'hashed'; readonly salt: Buffer; readonly hash: Buffer }
  | { readonly kind: 'patterns'; readonly patterns: readonly string[] };

export interface KnownHostEntry {
  readonly file: string;
  /** 1-based, for the "remove line N of FILE" advice. */
  readonly line: number;
  readonly text: string;
  readonly marker: KnownHostMarker | undefined;
  readonly names: KnownHostNames;
  readonly keyType: string;
  readonly key: Buffer;
}

/** The name a host is recorded under: `host` on port 22, `[host]:port` otherwise; lower case. */
export function knownHostName(host: string, port: number): string {
  const lower = host.toLowerCase();
  return port === 22 ? lower : `[${lower}]:${String(port)}`;
}

function parseNames(field: string): KnownHostNames | undefined {
  if (field.startsWith('|1|')) {
    const [salt, hash] = field.slice(3).split('|');
    if (salt === undefined || hash === undefined) return undefined;
    return { kind: 'hashed', salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
  }
  if (field.startsWith('|')) return undefined;
  return { kind: 'patterns', patterns: field.split(',').filter((p) => p !== '') };
}

/** Parses one file; malformed lines are skipped as OpenSSH skips them. */
export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostMarker | undefined;
    if (fields[0]?.startsWith('@') === true) {
      const word = fields.shift();
      if (word === '@revoked') marker = 'revoked';
      else if (word === '@cert-authority') marker = 'cert-authority';
      else return;
    }
    const [hostsField, keyType, keyBase64] = fields;
    if (hostsField === undefined || keyType === undefined || keyBase64 === undefined) return;
    const names = parseNames(hostsField);
    const key = Buffer.from(keyBase64, 'base64');
    if (names === undefined || key.length === 0) return;
    entries.push({ file, line: index + 1, text: raw, marker, names, keyType, key });
  });
  return entries;
}

export function entryMatchesName(entry: KnownHostEntry, name: string): boolean {
  if (entry.names.kind === 'patterns') return matchHostPatterns(entry.names.patterns, name);
  const digest = createHmac('sha1', entry.names.salt).update(name).digest();
  return digest.equals(entry.names.hash);
}

/** The key type inside an SSH public key blob (its first string field, RFC 4253 §6.6). */
export function keyTypeOfBlob(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const length = blob.readUInt32BE(0);
  if (length > 64 || blob.length < 4 + length) return 'unknown';
  return blob.subarray(4, 4 + length).toString('latin1');
}

/** `SHA256:…` as `ssh-keygen -l` and OpenSSH's prompts show it (base64, no padding). */
export function fingerprintSha256(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** A line to append for a newly trusted key, hashed when HashKnownHosts is on. */
export function formatKnownHostLine(name: string, key: Buffer, options: { readonly hashed: boolean; readonly salt?: Buffer }): string {
  const keyText = `${keyTypeOfBlob(key)} ${key.toString('base64')}`;
  if (!options.hashed) return `${name} ${keyText}`;
  const salt = options.salt ?? randomBytes(20);
  const hash = createHmac('sha1', salt).update(name).digest();
  return `|1|${salt.toString('base64')}|${hash.toString('base64')} ${keyText}`;
}
