/**
 * OpenSSH's host pattern lists (ssh_config(5) PATTERNS), shared by `Host` lines and the plain host
 * lists of known_hosts: `*` matches any run, `?` one character, a leading `!` negates.
 */

/** Matches one pattern (`*` any run, `?` one character), case-insensitively. */
export function matchSshPattern(pattern: string, name: string): boolean {
  const regex = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(name.toLowerCase());
}

/** A `Host` line matches when a positive pattern matches and no negated one does. */
export function matchHostPatterns(patterns: readonly string[], name: string): boolean {
  let matched = false;
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) {
      if (matchSshPattern(pattern.slice(1), name)) return false;
    } else if (matchSshPattern(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

