/**
 * Collects closures with NAR sizes for the diff: here with the local nix-store, on the board
 * over SSH with the board's own nix-store (so it works without nix-command on the board).
 */
import { DevicesError } from '../errors';
import { runChecked } from '../exec';
import { asRoot } from './board-link';
import type { Logger } from '../log';
import type { SshConnection } from '../remote';
import type { ClosurePath } from './closure-diff';

/** Prints the closure of $1, a `---` line, then each path's NAR size in the same order. */
export const CLOSURE_SIZES_SCRIPT = `paths=$(nix-store --query --requisites "$1") || exit 1
printf '%s\\n' "$paths"
echo ---
printf '%s\\n' "$paths" | xargs -r nix-store --query --size
`;

export function parseClosureSizes(text: string): ClosurePath[] {
  const lines = text.split('\n').filter((line) => line !== '');
  const split = lines.indexOf('---');
  if (split === -1) throw new DevicesError('PARSE_FAILED', 'The closure listing has no size section.', { detail: text });
  const paths = lines.slice(0, split);
  const sizes = lines.slice(split + 1);
  if (paths.length !== sizes.length) throw new DevicesError('PARSE_FAILED', `The closure listing has ${String(paths.length)} paths but ${String(sizes.length)} sizes.`, { detail: text });
  return paths.map((path, i) => ({ path, narSize: Number(sizes[i]) || 0 }));
}

/**
 * The closure of a store path on the board (e.g. its current system). `elevated` runs the query
 * as root (sudo -n for a non-root login): the deploy does, since a non-root login's Nix needs a
 * nix-daemon it may not be allowed to use (allowed-users, a single-user store).
 */
export async function boardClosure(connection: SshConnection, path: string, signal?: AbortSignal, elevated = false): Promise<ClosurePath[]> {
  const argv = ['sh', '-c', CLOSURE_SIZES_SCRIPT, 'nixos-devices-closure', path];
  const result = await connection.execChecked(elevated ? asRoot(connection, argv) : argv, signal === undefined ? {} : { signal });
  return parseClosureSizes(result.stdout);
}

/** The closure of a store path in the local store. */
export async function localClosureSizes(
  path: string,
  options: { readonly nixEnv?: Readonly<Record<string, string>>; readonly signal?: AbortSignal; readonly logger?: Logger } = {},
): Promise<ClosurePath[]> {
  const exec = {
    parseable: true as const,
    ...(options.nixEnv === undefined ? {} : { env: options.nixEnv }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  };
  const result = await runChecked(['sh', '-c', CLOSURE_SIZES_SCRIPT, 'nixos-devices-closure', path], exec);
  return parseClosureSizes(result.stdout);
}
