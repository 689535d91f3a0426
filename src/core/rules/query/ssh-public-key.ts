/**
 * Validating an OpenSSH public key line as authorized_keys takes it (sshd(8) "AUTHORIZED_KEYS
 * FILE FORMAT"): optional options, the key type, the base64 blob, an optional comment. The blob
 * starts with the key type again as an SSH string (RFC 4253 §6.6), which must match.
 */
import { closest } from './systems';

export const SSH_KEY_TYPES: readonly string[] = [
  'ssh-ed25519', 'ssh-rsa', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com', 'ssh-dss',
];
const TYPES: ReadonlySet<string> = new Set(SSH_KEY_TYPES);

export type SshKeyProblem =
  | { readonly kind: 'empty' }
  | { readonly kind: 'unknown-type'; readonly type: string; readonly offset: number; readonly suggestion: string | undefined }
  | { readonly kind: 'missing-key'; readonly type: string; readonly offset: number }
  | { readonly kind: 'missing-type'; readonly offset: number; readonly length: number }
  | { readonly kind: 'bad-base64'; readonly offset: number; readonly length: number }
  | { readonly kind: 'type-mismatch'; readonly type: string; readonly embedded: string; readonly offset: number; readonly length: number }
  | { readonly kind: 'bad-length'; readonly type: string; readonly offset: number; readonly length: number };

/** Returns the problem with a key line, or undefined when it is a valid public key. */
export function checkSshPublicKey(line: string): SshKeyProblem | undefined {
  const fields = splitFields(line);
  if (fields.length === 0) return { kind: 'empty' };
  let at = 0;
  // A line may start with options (`command="…",no-pty`); then the key type is the next field.
  if (!TYPES.has(fields[0]?.text ?? '') && fields.length > 1 && TYPES.has(fields[1]?.text ?? '')) at = 1;
  const type = fields[at];
  if (type === undefined) return { kind: 'empty' };
  // Key data without its type: every key blob starts with a 4-byte length, "AAAA" in base64.
  if (type.text.startsWith('AAAA') && decodeBase64(type.text) !== undefined) return { kind: 'missing-type', offset: type.offset, length: type.text.length };
  if (!TYPES.has(type.text)) return { kind: 'unknown-type', type: type.text, offset: type.offset, suggestion: closest(type.text, SSH_KEY_TYPES, 3) };
  const blob = fields[at + 1];
  if (blob === undefined) return { kind: 'missing-key', type: type.text, offset: type.offset };
  const bytes = decodeBase64(blob.text);
  if (bytes === undefined) return { kind: 'bad-base64', offset: blob.offset, length: blob.text.length };
  const embedded = readSshString(bytes, 0);
  if (embedded === undefined) return { kind: 'bad-base64', offset: blob.offset, length: blob.text.length };
  if (embedded.value !== type.text) return { kind: 'type-mismatch', type: type.text, embedded: embedded.value, offset: blob.offset, length: blob.text.length };
  // ed25519 keys are exactly 32 bytes; a truncated paste is a common mistake.
  if (type.text.endsWith('ed25519') || type.text.includes('ed25519@')) {
    const key = readSshString(bytes, embedded.next);
    if (key === undefined || key.length !== 32) return { kind: 'bad-length', type: type.text, offset: blob.offset, length: blob.text.length };
  }
  return undefined;
}

/** Fields separated by spaces; double quotes (in options) protect spaces. */
function splitFields(line: string): { text: string; offset: number }[] {
  const out: { text: string; offset: number }[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && isSpace(line.charCodeAt(i))) i++;
    if (i >= line.length) break;
    const start = i;
    let quoted = false;
    while (i < line.length && (quoted || !isSpace(line.charCodeAt(i)))) {
      const c = line.charCodeAt(i);
      if (c === 92 && quoted) i++;
      else if (c === 34) quoted = !quoted;
      i++;
    }
    out.push({ text: line.slice(start, i), offset: start });
  }
  return out;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function decodeBase64(text: string): Uint8Array | undefined {
  if (text.length === 0 || text.length % 4 !== 0 || !BASE64.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

function readSshString(bytes: Uint8Array, at: number): { value: string; length: number; next: number } | undefined {
  if (at + 4 > bytes.length) return undefined;
  const length = (((bytes[at] ?? 0) << 24) | ((bytes[at + 1] ?? 0) << 16) | ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0)) >>> 0;
  if (at + 4 + length > bytes.length) return undefined;
  const slice = bytes.subarray(at + 4, at + 4 + length);
  return { value: Buffer.from(slice).toString('latin1'), length, next: at + 4 + length };
}
