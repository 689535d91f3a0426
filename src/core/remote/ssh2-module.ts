/**
 * ssh2 is loaded on first use, not when the extension starts: with its pure-JS crypto it is two
 * thirds of the extension bundle, and most sessions open no SSH connection at all.
 */
import type * as Ssh2 from 'ssh2';

let loaded: typeof Ssh2 | undefined;

export function ssh2(): typeof Ssh2 {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose, see above
  loaded ??= require('ssh2') as typeof Ssh2;
  return loaded;
}
