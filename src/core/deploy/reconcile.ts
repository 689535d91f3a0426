/**
 * Settles an `unknown` outcome from what the board recorded: the magic rollback script keeps its
 * state under <stateRoot>/<deploy id> (and <stateRoot>/last), in /nix/var so it survives reboots.
 */
import { posix } from 'node:path';
import type { BoardLink } from './board-link';
import { execWithin } from './board-link';
import type { BoardPaths } from './board-paths';
import { SCRIPT_NAMES, WAIT_STATE_SCRIPT } from './board-scripts';
import { outcomeFromBoardState, parseBoardDeployState, type DeployOutcome } from './deploy-outcome';

const RECONCILE_TIMEOUT_MS = 15_000;

/** The outcome the board recorded for `deployId` ('last' for the newest); `unknown` while undecided. */
export async function reconcileDeploy(
  link: BoardLink,
  paths: BoardPaths,
  deployId: string,
  options: { readonly systemPath?: string; readonly action?: 'switch' | 'boot'; readonly signal?: AbortSignal } = {},
): Promise<DeployOutcome> {
  const stateDir = posix.join(paths.stateRoot, deployId);
  const connection = await link.connection(options.signal);
  // `known` = '' never matches a status, so the script answers at once.
  const result = await execWithin(connection, ['sh', '-c', WAIT_STATE_SCRIPT, SCRIPT_NAMES.waitState, stateDir, '', '0'], RECONCILE_TIMEOUT_MS, options.signal === undefined ? {} : { signal: options.signal });
  const state = parseBoardDeployState(result.stdout);
  if (state.status === undefined) return { kind: 'unknown', message: `${link.name} has no record of deploy ${deployId}.` };
  const outcome = outcomeFromBoardState(state, options.systemPath ?? '', options.action ?? 'switch');
  return outcome ?? { kind: 'unknown', message: `${link.name} is still deciding deploy ${deployId} (status: ${state.status}).` };
}
