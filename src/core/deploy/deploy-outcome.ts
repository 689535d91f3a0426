/**
 * How a deploy ended, typed, and the board's own record of it. A rollback is never a success:
 * `deploySucceeded` is false for it, and `outcomeError` gives the DevicesError the CLI exits with.
 */
import { DevicesError } from '../errors';

/** Why the board went back to the previous generation. */
export type RollbackReason =
  /** No confirmation reached the board within confirmTimeout (e.g. the network went down). */
  | 'timeout'
  /** switch-to-configuration of the new system failed. */
  | 'activation-failed'
  /** A health check failed on the board after activation. */
  | 'health-check'
  /** The deploy was cancelled after activation. */
  | 'cancelled'
  /** All-or-nothing: another device of the same deploy failed. */
  | 'other-device-failed'
  | 'unknown';

export type DeployOutcome =
  | { readonly kind: 'confirmed'; readonly generation?: number; readonly systemPath: string }
  | {
      readonly kind: 'rolled-back';
      readonly reason: RollbackReason;
      /** The generation the board went back to, when it had one. */
      readonly restoredGeneration?: number;
      /** What went wrong during the rollback itself, if anything. */
      readonly rollbackError?: string;
      readonly detail?: string;
    }
  | { readonly kind: 'staged-for-boot'; readonly generation?: number; readonly systemPath: string }
  | { readonly kind: 'dry-activated'; readonly systemPath: string; readonly output: string }
  | { readonly kind: 'failed-before-activation'; readonly message: string; readonly code?: string }
  | { readonly kind: 'cancelled'; readonly message: string }
  /** The board could not be asked how it ended; `reconcileDeploy` asks again later. */
  | { readonly kind: 'unknown'; readonly message: string };

export type DeployOutcomeKind = DeployOutcome['kind'];

export function deploySucceeded(outcome: DeployOutcome): boolean {
  return outcome.kind === 'confirmed' || outcome.kind === 'staged-for-boot' || outcome.kind === 'dry-activated';
}

/** The error a failed outcome stands for (undefined for a success), named after the device. */
export function outcomeError(device: string, outcome: DeployOutcome): DevicesError | undefined {
  switch (outcome.kind) {
    case 'confirmed':
    case 'staged-for-boot':
    case 'dry-activated':
      return undefined;
    case 'rolled-back':
      return new DevicesError('DEPLOY_ROLLED_BACK', `${device} rolled back to ${outcome.restoredGeneration === undefined ? 'its previous system' : `generation ${String(outcome.restoredGeneration)}`}: ${describeReason(outcome.reason)}.${outcome.rollbackError === undefined ? '' : ` The rollback reported: ${outcome.rollbackError}.`}`, {
        ...(outcome.detail === undefined ? {} : { detail: outcome.detail }),
      });
    case 'failed-before-activation':
      return new DevicesError('DEPLOY_FAILED', `${device}: ${outcome.message} Nothing was activated.`);
    case 'cancelled':
      return new DevicesError('CANCELLED', `${device}: ${outcome.message}`);
    case 'unknown':
      return new DevicesError('DEVICE_UNREACHABLE', `${device}: ${outcome.message}`);
  }
}

export function describeReason(reason: RollbackReason): string {
  switch (reason) {
    case 'timeout':
      return 'no confirmation reached it within the confirm timeout (did the new configuration break the network?)';
    case 'activation-failed':
      return "the new configuration's activation (switch-to-configuration) failed";
    case 'health-check':
      return 'a health check failed after activation';
    case 'cancelled':
      return 'the deploy was cancelled after activation';
    case 'other-device-failed':
      return 'another device of this all-or-nothing deploy failed';
    case 'unknown':
      return 'the reason was not recorded';
  }
}

const REASONS: readonly RollbackReason[] = ['timeout', 'activation-failed', 'health-check', 'cancelled', 'other-device-failed'];

export function parseRollbackReason(text: string): RollbackReason {
  const word = text.trim().split(/\s/)[0] ?? '';
  return REASONS.find((r) => r === word) ?? 'unknown';
}

/** The state files of one deploy on the board, as WAIT_STATE_SCRIPT prints them. */
export interface BoardDeployState {
  readonly status?: string;
  readonly outcome?: string;
  readonly verdict?: string;
  readonly previousSystem?: string;
  readonly previousGeneration?: number;
  readonly newGeneration?: number;
  readonly rollbackError?: string;
}

function toGeneration(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

export function parseBoardDeployState(output: string): BoardDeployState {
  const values = new Map<string, string>();
  for (const line of output.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const state: { -readonly [K in keyof BoardDeployState]: BoardDeployState[K] } = {};
  const text = (key: string): string | undefined => {
    const value = values.get(key);
    return value === undefined || value === '' ? undefined : value;
  };
  const status = text('status');
  if (status !== undefined) state.status = status;
  const outcome = text('outcome');
  if (outcome !== undefined) state.outcome = outcome;
  const verdict = text('verdict');
  if (verdict !== undefined) state.verdict = verdict;
  const previousSystem = text('previous-system');
  if (previousSystem !== undefined) state.previousSystem = previousSystem;
  const previousGeneration = toGeneration(text('previous-generation'));
  if (previousGeneration !== undefined) state.previousGeneration = previousGeneration;
  const newGeneration = toGeneration(text('new-generation'));
  if (newGeneration !== undefined) state.newGeneration = newGeneration;
  const rollbackError = text('rollback-error');
  if (rollbackError !== undefined) state.rollbackError = rollbackError;
  return state;
}

/** The outcome the board recorded, once its status is `done`; undefined while it is not done. */
export function outcomeFromBoardState(state: BoardDeployState, systemPath: string, action: 'switch' | 'boot'): DeployOutcome | undefined {
  if (state.status !== 'done' || state.outcome === undefined) return undefined;
  const outcome = state.outcome;
  const generation = state.newGeneration === undefined ? {} : { generation: state.newGeneration };
  if (outcome === 'confirmed') {
    return action === 'boot' ? { kind: 'staged-for-boot', systemPath, ...generation } : { kind: 'confirmed', systemPath, ...generation };
  }
  if (outcome.startsWith('rolled-back')) {
    return {
      kind: 'rolled-back',
      reason: parseRollbackReason(outcome.slice('rolled-back'.length)),
      ...(state.previousGeneration === undefined ? {} : { restoredGeneration: state.previousGeneration }),
      ...(state.rollbackError === undefined ? {} : { rollbackError: state.rollbackError }),
    };
  }
  const reason = outcome.replace(/^failed\s*/, '');
  return { kind: 'failed-before-activation', message: reason === 'set-profile' ? 'Setting the system profile failed on the board.' : `The board reported: ${reason}.` };
}
