/**
 * The fallback when OpenSSH's client is not installed: reads ssh_config(5) files for one host and
 * returns the same option lines `ssh -G` would print for the keywords we use. Supported: `Host`
 * blocks with `*`, `?` and `!` patterns, `keyword value` and `keyword=value`, quoted values,
 * first-value-wins, repeated IdentityFile. Not supported (OpenSSH is needed for them): `Match`
 * blocks (skipped) and `Include` (ignored).
 */
import { matchHostPatterns } from './host-pattern';
import type { SshOptionLines } from './ssh-options';

/** The identity files OpenSSH tries when none is configured (ssh(1), -i). */
const DEFAULT_IDENTITY_FILES = [
  '~/.ssh/id_rsa',
  '~/.ssh/id_ecdsa',
  '~/.ssh/id_ecdsa_sk',
  '~/.ssh/id_ed25519',
  '~/.ssh/id_ed25519_sk',
  '~/.ssh/id_dsa',
];

function splitWords(text: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) words.push(m[1] ?? m[2] ?? '');
  return words;
}

function parseLine(raw: string): { key: string; value: string } | undefined {
  const line = raw.trim();
  if (line === '' || line.startsWith('#')) return undefined;
  const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
  if (m === null) return { key: line.toLowerCase(), value: '' };
  return { key: (m[1] ?? '').toLowerCase(), value: (m[2] ?? '').trim() };
}

/** Applies config files in order (user's first, then the system's) for `host`. */
export function optionsFromConfigFiles(texts: readonly string[], host: string): SshOptionLines {
  const options = new Map<string, string[]>();
  for (const text of texts) {
    let active = true;
    for (const raw of text.split('\n')) {
      const entry = parseLine(raw);
      if (entry === undefined) continue;
      if (entry.key === 'host') {
        active = matchHostPatterns(splitWords(entry.value), host);
        continue;
      }
      if (entry.key === 'match') {
        active = false;
        continue;
      }
      if (!active || entry.key === 'include') continue;
      const value = splitWords(entry.value).join(' ');
      const list = options.get(entry.key);
      if (entry.key === 'identityfile') {
        if (list === undefined) options.set(entry.key, [value]);
        else list.push(value);
      } else if (list === undefined) {
        options.set(entry.key, [value]);
      }
    }
  }
  if (!options.has('identityfile')) options.set('identityfile', [...DEFAULT_IDENTITY_FILES]);
  // HostName may use %h for the name typed (ssh_config(5), TOKENS).
  const hostname = options.get('hostname')?.[0];
  options.set('hostname', [hostname === undefined ? host : hostname.replace(/%h/g, host)]);
  return options;
}
