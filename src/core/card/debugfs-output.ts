/**
 * Reading what debugfs (e2fsprogs 1.47) prints. Pure, so the parsing is tested without a card.
 *
 * debugfs exits 0 even when a command fails: errors are lines on stderr (`PATH: File not found by
 * ext2_lookup`, `write: Ext2 file already exists`), after a version banner. With `-f`, each
 * command is echoed on stdout as `debugfs: COMMAND` before its output.
 */

export interface DebugfsStat {
  readonly inode: number;
  /** `regular`, `directory`, `symlink`, … as debugfs says it. */
  readonly type: string;
  /** Permission bits (0o600), without the file type. */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly links: number;
}

/** Parses `stat PATH` output; undefined when it is not a stat (an error, nothing printed). */
export function parseDebugfsStat(text: string): DebugfsStat | undefined {
  const head = /Inode:\s*(\d+)\s+Type:\s*(\S+)\s+Mode:\s*([0-7]+)/.exec(text);
  const user = /User:\s*(\d+)\s+Group:\s*(\d+)/.exec(text);
  const size = /\bSize:\s*(\d+)/.exec(text.slice(user?.index ?? 0));
  const links = /Links:\s*(\d+)/.exec(text);
  if (head === null || user === null || size === null || links === null) return undefined;
  return {
    inode: Number(head[1]),
    type: head[2] ?? '',
    mode: Number.parseInt(head[3] ?? '0', 8) & 0o7777,
    uid: Number(user[1]),
    gid: Number(user[2]),
    size: Number(size[1]),
    links: Number(links[1]),
  };
}

/** stdout of a `-f` session split by command: the text each command printed. */
export function splitSessionOutput(stdout: string): { readonly command: string; readonly output: string }[] {
  const sections: { command: string; output: string[] }[] = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith('debugfs: ')) sections.push({ command: line.slice('debugfs: '.length), output: [] });
    else sections.at(-1)?.output.push(line);
  }
  return sections.map((s) => ({ command: s.command, output: s.output.join('\n') }));
}

/** The error lines of a debugfs run: stderr without the version banner and blank lines. */
export function debugfsErrorLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^debugfs \d+\.\d+/.test(line));
}

/** An error line saying PATH does not exist (`PATH: File not found by ext2_lookup`). */
export function isNotFoundLine(line: string, path?: string): boolean {
  return /File not found by ext2_lookup/.test(line) && (path === undefined || line.startsWith(`${path}:`));
}

export type OpenFailure = 'permission' | 'not-ext' | 'missing' | 'other';

/** Why debugfs could not open the file system, from its `… while trying to open …` line. */
export function openFailureOf(lines: readonly string[]): { readonly kind: OpenFailure; readonly line: string } | undefined {
  const line = lines.find((l) => /while trying to open/.test(l));
  if (line === undefined) return undefined;
  if (/Permission denied|Operation not permitted/.test(line)) return { kind: 'permission', line };
  if (/Bad magic number|short read|superblock/i.test(line)) return { kind: 'not-ext', line };
  if (/No such file or directory/.test(line)) return { kind: 'missing', line };
  return { kind: 'other', line };
}

/**
 * Paths handed to debugfs commands must be single words its command parser (ss) will not split
 * or unquote: no white space, quotes, backslashes or control characters. Paths read from a card
 * (extlinux.conf's LINUX lines) are checked with this before they go into a command.
 */
export function isDebugfsSafePath(path: string): boolean {
  // Control characters are checked by code point: a regex with them trips no-control-regex.
  return path.length > 0 && !/[\s"'\\]/.test(path) && ![...path].some((c) => (c.codePointAt(0) ?? 0) < 0x20 || c === '\u007f');
}
