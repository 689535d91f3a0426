/**
 * The one quoting function for commands run on a device. sshd hands the command string to the
 * login user's shell (`$SHELL -c STRING`), so each argument is wrapped in POSIX sh single quotes,
 * inside which nothing is special; a single quote itself is written as '\'' (close, escaped
 * quote, reopen). Every shell the boards use (bash, dash, busybox ash, zsh) reads this the same.
 */
import { DevicesError } from '../errors';

/** Quotes one argument for a POSIX shell. Rejects NUL: no C argv can carry it. */
export function quoteArg(arg: string): string {
  if (arg.includes('\0')) {
    throw new DevicesError(
      'INVALID_ARGUMENT',
      `A remote command argument contains a NUL byte, which no remote program can receive: ${JSON.stringify(arg.slice(0, 80))}.`,
    );
  }
  // Plain words stay readable in logs; everything else is single-quoted. `=` is left out so a
  // first word like `A=b` is never read as an assignment, `~` so it is never expanded.
  if (/^[A-Za-z0-9_@%+:,./-]+$/.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** Joins an argv into one command string for the remote shell; each word survives byte for byte. */
export function quoteArgv(argv: readonly string[]): string {
  if (argv.length === 0) {
    throw new DevicesError('INVALID_ARGUMENT', 'A remote command needs at least a program name.');
  }
  return argv.map(quoteArg).join(' ');
}
