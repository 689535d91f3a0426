/**
 * The client side of magic rollback. It starts MAGIC_ROLLBACK_SCRIPT on the board detached from
 * the SSH session (`systemd-run` under the unit name nixos-rebuild uses, so a concurrent
 * nixos-rebuild is refused, or `setsid` on a board without systemd), follows its state by long
 * polls, runs the health checks and sends the verdict over a NEW connection, and ends with what
 * the board recorded. From the launch on, nothing here throws: a board that cannot be asked gives
 * the `unknown` outcome, which `reconcileDeploy` settles later.
 */
import { posix } from 'node:path';
import { DevicesError, toDevicesError } from '../errors';
import { SILENT_LOGGER, type Logger } from '../log';
import type { SshConnection } from '../remote';
import { asRoot, execWithin, type BoardLink } from './board-link';
import type { BoardPaths } from './board-paths';
import { DECIDE_SCRIPT, LAUNCH_SCRIPT, MAGIC_ROLLBACK_SCRIPT, SCRIPT_NAMES, WAIT_STATE_SCRIPT } from './board-scripts';
import { outcomeFromBoardState, parseBoardDeployState, type BoardDeployState, type DeployOutcome } from './deploy-outcome';

export type ActivationPhase = 'activating' | 'health-checks' | 'confirming' | 'waiting-for-board';

export interface HealthCheck {
  /** Run on the board after activation, over the new connection; exit 0 passes. */
  readonly argv: readonly string[];
  readonly timeoutMs?: number;
}

export interface ActivationOptions {
  readonly link: BoardLink;
  readonly systemPath: string;
  readonly action: 'switch' | 'boot';
  readonly deployId: string;
  readonly paths: BoardPaths;
  /** false: activate without waiting for a confirmation (a failed activation still rolls back). */
  readonly magicRollback: boolean;
  readonly confirmTimeoutS: number;
  readonly activationTimeoutS: number;
  readonly healthChecks?: readonly HealthCheck[];
  /** The GC root protecting the copied closure; the board removes it when done. */
  readonly gcRoot?: string;
  /** Asked once the board is activated and healthy: false rolls back (all-or-nothing). */
  readonly gate?: () => Promise<boolean>;
  readonly detach?: 'auto' | 'systemd-run' | 'setsid';
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
  readonly onPhase?: (phase: ActivationPhase) => void;
}

/** The unit nixos-rebuild runs switch-to-configuration in (nixos-rebuild.sh, systemd-run --unit). */
export const SWITCH_UNIT = 'nixos-rebuild-switch-to-configuration';
/** How long the board's long poll waits for a change before answering anyway. */
const WAIT_STATE_LIMIT_S = 2;
/** A long poll that has not answered by then means the link is gone. */
const POLL_TIMEOUT_MS = (WAIT_STATE_LIMIT_S + 4) * 1000;
/** After a failed attempt to reach the board, before the next one (a retry delay, not a wait). */
const RETRY_DELAY_MS = 500;
/** How long after the board's own deadline the client keeps asking for the outcome. */
export const RECONCILE_GRACE_S = 30;
const DEFAULT_HEALTH_CHECK_TIMEOUT_MS = 30_000;
const COMMAND_TIMEOUT_MS = 15_000;

function retryDelay(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
}

/** The one command that starts the board side: LAUNCH_SCRIPT picks systemd-run or setsid there. */
export function magicRollbackArgv(detach: 'auto' | 'systemd-run' | 'setsid', args: readonly string[]): string[] {
  return ['sh', '-c', LAUNCH_SCRIPT, SCRIPT_NAMES.launch, MAGIC_ROLLBACK_SCRIPT, detach, ...args];
}

/** Starts the board-side script; a failure here means nothing was activated (it throws). */
export async function launchActivation(options: ActivationOptions, stateDir: string): Promise<void> {
  const connection = await options.link.connection(options.signal);
  const confirmS = options.magicRollback && options.action === 'switch' ? options.confirmTimeoutS : 0;
  const args = [stateDir, options.paths.profile, options.systemPath, options.action, String(Math.max(0, Math.round(confirmS))), String(Math.max(0, Math.round(options.activationTimeoutS))), options.gcRoot ?? ''];
  const launched = await execWithin(connection, asRoot(connection, magicRollbackArgv(options.detach ?? 'auto', args)), COMMAND_TIMEOUT_MS);
  if (launched.exitCode !== 0) {
    const busy = /already (exists|loaded)|is active/i.test(launched.stderr);
    throw new DevicesError(
      'DEPLOY_FAILED',
      busy
        ? `Another switch-to-configuration (unit ${SWITCH_UNIT}, e.g. a nixos-rebuild) is running on ${options.link.name}; wait for it to finish and deploy again.`
        : `Could not start the activation on ${options.link.name}: ${launched.stderr.trim()}`,
      { detail: launched.stderr },
    );
  }
}

interface Follower {
  readonly state: BoardDeployState | undefined;
}

/** One long poll; undefined when the board could not be asked (the link is dropped then). */
async function pollState(options: ActivationOptions, stateDir: string, wanted: string, logger: Logger): Promise<Follower> {
  try {
    const connection = await options.link.connection();
    const result = await execWithin(connection, ['sh', '-c', WAIT_STATE_SCRIPT, SCRIPT_NAMES.waitState, stateDir, wanted, String(WAIT_STATE_LIMIT_S)], POLL_TIMEOUT_MS);
    if (result.exitCode !== 0) throw new Error(`exit status ${String(result.exitCode)}: ${result.stderr}`);
    return { state: parseBoardDeployState(result.stdout) };
  } catch (error) {
    logger.info(`deploy: ${options.link.name} did not answer (${toDevicesError(error).message}); trying a new connection`);
    await options.link.drop().catch(() => undefined);
    await retryDelay();
    return { state: undefined };
  }
}

/** Sends the verdict over a new connection; returns the board's answer or undefined if unreachable. */
async function decide(options: ActivationOptions, stateDir: string, verdict: string, logger: Logger, checks: readonly HealthCheck[]): Promise<{ answer: string; detail?: string } | undefined> {
  let connection: SshConnection | undefined;
  try {
    connection = await options.link.connectNew();
    let sent = verdict;
    let detail: string | undefined;
    if (sent === 'confirm') {
      options.onPhase?.('health-checks');
      for (const check of checks) {
        const result = await execWithin(connection, check.argv, check.timeoutMs ?? DEFAULT_HEALTH_CHECK_TIMEOUT_MS);
        if (result.exitCode !== 0) {
          detail = `health check ${JSON.stringify(check.argv)} exited with ${String(result.exitCode ?? result.signal)}: ${(result.stderr || result.stdout).trim()}`;
          logger.warn(`deploy: ${options.link.name}: ${detail}`);
          sent = 'rollback health-check';
          break;
        }
      }
    }
    if (sent === 'confirm' && options.gate !== undefined && !(await options.gate())) sent = 'rollback other-device-failed';
    options.onPhase?.('confirming');
    const result = await execWithin(connection, asRoot(connection, ['sh', '-c', DECIDE_SCRIPT, SCRIPT_NAMES.decide, stateDir, sent]), COMMAND_TIMEOUT_MS);
    const answer = result.stdout.trim();
    logger.info(`deploy: ${options.link.name}: verdict "${sent}" → ${answer}`);
    return detail === undefined ? { answer } : { answer, detail };
  } catch (error) {
    logger.info(`deploy: ${options.link.name}: could not send the verdict over a new connection (${toDevicesError(error).message})`);
    await retryDelay();
    return undefined;
  } finally {
    connection?.close();
  }
}

/**
 * Activates `systemPath` on the board with magic rollback and returns how it ended. Throws only
 * when the activation could not be started (then nothing changed on the board).
 */
export async function activateWithRollback(options: ActivationOptions): Promise<DeployOutcome> {
  const logger = options.logger ?? SILENT_LOGGER;
  const stateDir = posix.join(options.paths.stateRoot, options.deployId);
  options.signal?.throwIfAborted();
  options.onPhase?.('activating');
  await launchActivation(options, stateDir);
  const started = Date.now();
  const clientDeadline = started + (options.activationTimeoutS + options.confirmTimeoutS + RECONCILE_GRACE_S) * 1000;
  let known = 'none';
  let activatedAt: number | undefined;
  let verdictSent = false;
  let detail: string | undefined;
  for (;;) {
    if (!verdictSent && options.signal?.aborted === true) {
      const answer = await decide(options, stateDir, 'rollback cancelled', logger, []);
      if (answer !== undefined) verdictSent = true;
    }
    const { state } = await pollState(options, stateDir, verdictSent ? 'done' : 'activated done', logger);
    if (state !== undefined) {
      known = state.status ?? 'none';
      const outcome = outcomeFromBoardState(state, options.systemPath, options.action);
      if (outcome !== undefined) return outcome.kind === 'rolled-back' && detail !== undefined ? { ...outcome, detail } : outcome;
      if (state.status === 'activated' && !verdictSent) {
        activatedAt ??= Date.now();
        const answer = await decide(options, stateDir, 'confirm', logger, options.healthChecks ?? []);
        if (answer !== undefined) {
          verdictSent = true;
          detail = answer.detail;
        } else if (Date.now() > activatedAt + (options.confirmTimeoutS + 5) * 1000) {
          // Past the board's deadline: the watchdog has decided; only its outcome is left to read.
          verdictSent = true;
        }
        options.onPhase?.('waiting-for-board');
      }
    }
    if (Date.now() > clientDeadline) {
      return {
        kind: 'unknown',
        message: `lost contact with ${options.link.name} after the activation started (last status: ${known}). The board decides on its own (it rolls back unless confirmed); reconcile deploy ${options.deployId} when it is reachable again.`,
      };
    }
  }
}
