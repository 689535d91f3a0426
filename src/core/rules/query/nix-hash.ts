/**
 * SHA-256 hashes as Nix writes them: SRI (`sha256-<base64>`), Nix's base32 (52 characters,
 * alphabet without e o t u, least significant digit last: libutil/hash.cc) or hex.
 */
const NIX32 = '0123456789abcdfghijklmnpqrsvwxyz';
const SHA256_BYTES = 32;

/** The SRI form of a SHA-256 hash in any of Nix's spellings, or undefined when it is not one. */
export function sha256ToSri(value: string): string | undefined {
  if (/^sha256-[A-Za-z0-9+/]{43}=$/.test(value)) return value;
  const bare = value.startsWith('sha256:') ? value.slice('sha256:'.length) : value;
  const bytes = /^[0-9a-f]{64}$/i.test(bare) ? Buffer.from(bare, 'hex') : decodeNix32(bare);
  return bytes === undefined ? undefined : `sha256-${Buffer.from(bytes).toString('base64')}`;
}

function decodeNix32(s: string): Uint8Array | undefined {
  if (s.length !== 52) return undefined;
  const hash = new Uint8Array(SHA256_BYTES);
  for (let n = 0; n < s.length; n++) {
    const digit = NIX32.indexOf(s[s.length - n - 1] ?? '');
    if (digit < 0) return undefined;
    const b = n * 5;
    const i = b >> 3;
    const j = b & 7;
    hash[i] = (hash[i] ?? 0) | ((digit << j) & 0xff);
    const carry = digit >> (8 - j);
    if (i < SHA256_BYTES - 1) hash[i + 1] = (hash[i + 1] ?? 0) | carry;
    else if (carry !== 0) return undefined;
  }
  return hash;
}
