/**
 * One device's deploy with the built-in engine: connect, diff against the board's current
 * system (shown before activation; the caller may decline), copy the closure, protect it from
 * GC, then activate with magic rollback (switch), stage it for the next boot (boot), or
 * dry-activate. Always ends in a typed DeployOutcome; only programming errors throw.
 */
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { DevicesError, isCancellation, toDevicesError } from '../errors';
import { Job, type JobContext } from '../jobs';
import { SILENT_LOGGER, type Logger } from '../log';
import { prepareElevation, type SshConnection } from '../remote';
import { asRoot, execWithin, type BoardLink } from './board-link';
import { DEFAULT_BOARD_PATHS, type BoardPaths } from './board-paths';
import { diffClosures, summarizeDiff, type ClosureDiff, type ClosurePath } from './closure-diff';
import { copyClosure, type SharedExport } from './closure-copy';
import { boardClosure, localClosureSizes } from './closure-info';
import type { DeployOutcome } from './deploy-outcome';
import { activateWithRollback, type HealthCheck } from './magic-rollback';

export type DeployMode = 'switch' | 'boot' | 'dry-activate';

export type DeployPhase = 'connecting' | 'diff' | 'copying' | 'activating' | 'health-checks' | 'confirming' | 'waiting-for-board' | 'done';

/** deploy-rs's defaults (confirmTimeout 30 s, activationTimeout 240 s). */
export const DEFAULT_CONFIRM_TIMEOUT_S = 30;
export const DEFAULT_ACTIVATION_TIMEOUT_S = 240;

export interface DeviceDeployRequest {
  /** The node's name in messages and reports. */
  readonly node: string;
  readonly link: BoardLink;
  /** The built system closure (`/nix/store/…-nixos-system-…`). */
  readonly systemPath: string;
  readonly mode?: DeployMode;
  readonly magicRollback?: boolean;
  readonly confirmTimeoutS?: number;
  readonly activationTimeoutS?: number;
  readonly healthChecks?: readonly HealthCheck[];
  readonly paths?: BoardPaths;
  /** Environment overrides for the local nix-store (tests: nixTestEnv()). */
  readonly nixEnv?: Readonly<Record<string, string>>;
  /** Compute the closure diff against the board's current system (default true). */
  readonly diff?: boolean;
  /** Shown the diff before anything is copied or activated; false cancels the deploy. */
  readonly approve?: (diff: ClosureDiff | undefined) => Promise<boolean>;
  /** Asked once the board is activated and healthy; false rolls back (all-or-nothing). */
  readonly gate?: () => Promise<boolean>;
  readonly detach?: 'auto' | 'systemd-run' | 'setsid';
  readonly deployId?: string;
  /** The local closure of a store path with NAR sizes; deployMany shares one per system. */
  readonly localClosure?: (systemPath: string) => Promise<ClosurePath[]>;
  /** One export of the paths several boards lack; deployMany shares it between its devices. */
  readonly sharedExport?: SharedExport;
}

export interface DeviceDeployReport {
  readonly node: string;
  readonly systemPath: string;
  readonly deployId: string;
  readonly outcome: DeployOutcome;
  readonly diff?: ClosureDiff;
  readonly copied?: { readonly paths: number; readonly bytes: number };
}

/** What the deploy reports as it goes; a JobContext fits. */
export type DeployReporter = Pick<JobContext, 'phase' | 'progress' | 'log' | 'signal'>;

export function newDeployId(): string {
  return `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${randomBytes(4).toString('hex')}`;
}

async function currentSystem(connection: SshConnection, paths: BoardPaths): Promise<string | undefined> {
  const result = await execWithin(connection, ['readlink', '-f', paths.currentSystem], 15_000);
  const path = result.stdout.trim();
  return result.exitCode === 0 && path.startsWith('/nix/store/') ? path : undefined;
}

async function computeDiff(connection: SshConnection, request: DeviceDeployRequest, paths: BoardPaths, signal: AbortSignal, logger: Logger): Promise<{ diff: ClosureDiff; closure: ClosurePath[] }> {
  const onBoard = async (): Promise<ClosurePath[]> => {
    const current = await currentSystem(connection, paths);
    return current === undefined ? [] : boardClosure(connection, current, signal, true);
  };
  const local = request.localClosure ?? ((path: string) => localClosureSizes(path, { ...(request.nixEnv === undefined ? {} : { nixEnv: request.nixEnv }), signal, logger }));
  const [before, after] = await Promise.all([onBoard(), local(request.systemPath)]);
  return { diff: diffClosures(before, after), closure: after };
}

interface Prepared {
  readonly connection: SshConnection;
  readonly diff: ClosureDiff | undefined;
  readonly copied: { readonly paths: number; readonly bytes: number };
}

/**
 * Every board-side step of a deploy runs as root; a non-root login does so through `sudo -n`
 * (asRoot), as deploy-rs needs for a non-root sshUser: a password cannot be typed into the
 * detached activation. Checked first, so such a login is refused before anything is copied.
 */
async function requireRootCommands(connection: SshConnection, node: string, signal: AbortSignal): Promise<void> {
  if (connection.host.user === 'root') return;
  try {
    await prepareElevation(connection, { signal });
  } catch (error) {
    const failure = toDevicesError(error);
    if (failure.code !== 'ELEVATION_FAILED') throw error;
    const user = connection.host.user;
    throw new DevicesError(
      'ELEVATION_FAILED',
      `Cannot deploy ${node} as ${user}: the board's commands run as root through "sudo -n", and ${user} on ${connection.target} has no passwordless sudo. ` +
        `Give ${user} passwordless sudo there (NixOS: a NOPASSWD rule in security.sudo.extraRules, or security.sudo.wheelNeedsPassword = false with ${user} in wheel), or deploy as root (sshUser = "root"). Nothing was copied.`,
      { cause: error, ...(failure.detail === undefined ? {} : { detail: failure.detail }) },
    );
  }
}

/** Diff, approval and copy: everything before the board changes. */
async function prepare(request: DeviceDeployRequest, reporter: DeployReporter, paths: BoardPaths, logger: Logger, approval: { approved: boolean }): Promise<Prepared | 'declined'> {
  const signal = reporter.signal;
  const connection = await request.link.connection(signal);
  await requireRootCommands(connection, request.node, signal);
  let diff: ClosureDiff | undefined;
  let closure: ClosurePath[] | undefined;
  if (request.diff !== false) {
    reporter.phase('diff');
    ({ diff, closure } = await computeDiff(connection, request, paths, signal, logger));
    reporter.log(`${request.node}: ${summarizeDiff(diff)}`);
  }
  if (!approval.approved && request.approve !== undefined && !(await request.approve(diff))) return 'declined';
  approval.approved = true;
  reporter.phase('copying');
  const result = await copyClosure(connection, [request.systemPath], {
    ...(closure === undefined ? {} : { closure }),
    signal,
    logger,
    ...(request.nixEnv === undefined ? {} : { nixEnv: request.nixEnv }),
    ...(request.sharedExport === undefined ? {} : { sharedExport: request.sharedExport }),
    onProgress: (p) => reporter.progress({ done: p.bytesDone, total: p.bytesTotal, unit: 'bytes', message: `${String(p.pathsTotal)} paths` }),
  });
  return { connection, diff, copied: { paths: result.copied.length, bytes: result.bytes } };
}

/** Runs one device's deploy; `reporter` receives phases, byte progress and log lines. */
export async function deployToDevice(request: DeviceDeployRequest, reporter: DeployReporter, logger: Logger = SILENT_LOGGER): Promise<DeviceDeployReport> {
  const deployId = request.deployId ?? newDeployId();
  const paths = request.paths ?? DEFAULT_BOARD_PATHS;
  const mode = request.mode ?? 'switch';
  const signal = reporter.signal;
  const base = { node: request.node, systemPath: request.systemPath, deployId };
  let diff: ClosureDiff | undefined;
  let copied: DeviceDeployReport['copied'];
  const report = (outcome: DeployOutcome): DeviceDeployReport => ({ ...base, outcome, ...(diff === undefined ? {} : { diff }), ...(copied === undefined ? {} : { copied }) });
  let connection: SshConnection;
  try {
    reporter.phase('connecting');
    const approval = { approved: false };
    let prepared = await prepare(request, reporter, paths, logger, approval).catch(async (error: unknown) => {
      // A pooled connection can end between two deploys (the board restarted sshd, a NAT
      // forgot it); the steps before activation are idempotent, so try once on a new one.
      if (toDevicesError(error).code !== 'SSH_FAILED' || signal.aborted) throw error;
      logger.info(`deploy: ${request.node}: ${toDevicesError(error).message}; retrying on a new connection`);
      await request.link.drop();
      return undefined;
    });
    prepared ??= await prepare(request, reporter, paths, logger, approval);
    if (prepared === 'declined') return report({ kind: 'cancelled', message: 'The deploy was declined after the diff; nothing was copied or activated.' });
    connection = prepared.connection;
    diff = prepared.diff;
    copied = prepared.copied;
    signal.throwIfAborted();
    if (mode === 'dry-activate') {
      reporter.phase('activating');
      const dry = await connection.execChecked(asRoot(connection, [`${request.systemPath}/bin/switch-to-configuration`, 'dry-activate']), { signal });
      reporter.phase('done');
      return report({ kind: 'dry-activated', systemPath: request.systemPath, output: dry.stdout + dry.stderr });
    }
    // Until the profile points at it, only this root (made first thing by the board-side script)
    // keeps the board's GC off the new closure.
    const gcRoot = posix.join(paths.gcRootDir, `deploy-${deployId}`);
    const outcome = await activateWithRollback({
      link: request.link,
      systemPath: request.systemPath,
      action: mode,
      deployId,
      paths,
      magicRollback: request.magicRollback ?? true,
      confirmTimeoutS: request.confirmTimeoutS ?? DEFAULT_CONFIRM_TIMEOUT_S,
      activationTimeoutS: request.activationTimeoutS ?? DEFAULT_ACTIVATION_TIMEOUT_S,
      gcRoot,
      signal,
      logger,
      onPhase: (phase) => reporter.phase(phase),
      ...(request.healthChecks === undefined ? {} : { healthChecks: request.healthChecks }),
      ...(request.gate === undefined ? {} : { gate: request.gate }),
      ...(request.detach === undefined ? {} : { detach: request.detach }),
    });
    reporter.phase('done');
    return report(outcome);
  } catch (error) {
    const failure = toDevicesError(error);
    if (isCancellation(failure) || signal.aborted) return report({ kind: 'cancelled', message: 'The deploy was cancelled before activation; the board still runs its previous system.' });
    return report({ kind: 'failed-before-activation', message: failure.message, code: failure.code });
  }
}

/** The deploy of one device as a Job; its value is the report (see deploySucceeded). */
export function startDeviceDeploy(request: DeviceDeployRequest, options: { readonly signal?: AbortSignal; readonly logger?: Logger } = {}): Job<DeviceDeployReport> {
  return Job.start(`Deploy ${request.node}`, (context) => deployToDevice(request, context, options.logger), options.signal === undefined ? {} : { signal: options.signal });
}
