/**
 * Runs humility here or on a board, with HUMILITY_* from the device's settings, and hands back
 * its streams for a terminal. On a board the archive is uploaded first (archive-upload.ts) and
 * the environment is passed as `env KEY=VALUE… humility ARGS…` (argv, quoted by quoteArgv). A
 * missing humility and humility's known failures come back as DevicesErrors in `exit`.
 */
import type { Readable, Writable } from 'node:stream';
import { DevicesError, toDevicesError } from '../errors';
import { spawnProcess } from '../exec';
import { SILENT_LOGGER, type Logger } from '../log';
import type { PackageOutput } from '../nix';
import type { ProbeEntry } from '../ports';
import type { SshConnection } from '../remote';
import { uploadArchive } from './archive-upload';
import { humilityMissingError, translateHumilityFailure, classifyHumilityFailure } from './humility-errors';
import { humilityEnv, type HumilitySettings } from './humility-settings';
import { findUsbHolders, usbDevicePath } from './usb-holders';

export interface HumilityRequest {
  readonly settings: HumilitySettings;
  /** The subcommand and its arguments, e.g. ['tasks', '-sl']. */
  readonly args: readonly string[];
  /** Run on this board instead of here. */
  readonly connection?: SshConnection;
  /** The probes of the machine humility runs on (for error translation). */
  readonly probes?: readonly ProbeEntry[];
  /** For the missing-humility message: the flake's packages and the system humility must run on. */
  readonly packages?: readonly PackageOutput[];
  readonly system?: string;
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
  /** Reports the archive upload (for a status line). */
  /** Where the archive goes on a board (default ~/.cache/nixos-devices/humility). */
  readonly remoteArchiveDir?: string;
  readonly onArchive?: (upload: { readonly remotePath: string; readonly uploaded: boolean }) => void;
}

export interface HumilityExit {
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** A translated failure (permission, probe in use, missing humility, …), when recognised. */
  readonly error?: DevicesError;
}

export interface HumilityProcess {
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly stdin: Writable | undefined;
  /** The exact argv run (locally, or on the board after `env`). */
  readonly argv: readonly string[];
  readonly exit: Promise<HumilityExit>;
  /** Ends humility (SIGINT to its group here; TERM on a board). Idempotent. */
  kill(): void;
}

const STDERR_KEEP_CHARS = 64 * 1024;

/** The probe HUMILITY_PROBE names, among the listed ones. */
function selectedProbe(probe: string | undefined, probes: readonly ProbeEntry[]): ProbeEntry | undefined {
  if (probe === undefined || probe === 'usb' || probe === 'auto') return probes.length === 1 ? probes[0] : undefined;
  const index = /^usb-(\d+)$/.exec(probe);
  if (index !== null) return probes.find((p) => p.humilityIndex === Number(index[1]));
  const [vid, pid, serial] = probe.toLowerCase().split(':');
  const matches = probes.filter((p) => p.usb.id === `${vid ?? ''}:${pid ?? ''}` && (serial === undefined || p.usb.serialNumber?.toLowerCase() === serial));
  return matches.length === 1 ? matches[0] : undefined;
}

async function translate(request: HumilityRequest, where: string, stderr: string, exitCode: number | null): Promise<DevicesError | undefined> {
  const probe = selectedProbe(request.settings.probe, request.probes ?? []);
  let holders;
  if (classifyHumilityFailure(stderr) === 'busy' && probe?.usb.busNum !== undefined && probe.usb.devNum !== undefined) {
    holders = await findUsbHolders(usbDevicePath(probe.usb.busNum, probe.usb.devNum), request.connection === undefined ? {} : { connection: request.connection }).catch(() => undefined);
  }
  return translateHumilityFailure({ where, stderr, exitCode, ...(probe === undefined ? {} : { probe }), ...(holders === undefined ? {} : { holders }) });
}

function keepTail(stream: Readable): () => string {
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text = (text + chunk.toString('utf-8')).slice(-STDERR_KEEP_CHARS);
  });
  return () => text;
}

export async function startHumility(request: HumilityRequest): Promise<HumilityProcess> {
  const logger = request.logger ?? SILENT_LOGGER;
  const program = request.settings.command ?? 'humility';
  const controller = new AbortController();
  const signal = request.signal === undefined ? controller.signal : AbortSignal.any([controller.signal, request.signal]);
  const missing = (where: string, extra: { cause?: unknown; stderr?: string }): DevicesError =>
    humilityMissingError({ where, program, ...(request.packages === undefined ? {} : { packages: request.packages }), ...(request.system === undefined ? {} : { system: request.system }), ...extra });

  if (request.connection === undefined) {
    const argv = [program, ...request.args];
    let running;
    try {
      running = spawnProcess(argv, { env: humilityEnv(request.settings), rawStdout: true, keepStdinOpen: true, signal, logger });
    } catch (error) {
      throw toDevicesError(error);
    }
    const { child } = running;
    if (child.stdout === null || child.stderr === null) throw new DevicesError('INTERNAL', 'humility was started without pipes.');
    const stderrTail = keepTail(child.stderr);
    const exit = running.result.then(
      async (result): Promise<HumilityExit> => {
        const error = result.exitCode === 0 ? undefined : await translate(request, 'this machine', stderrTail(), result.exitCode);
        return { exitCode: result.exitCode, signal: result.signal, ...(error === undefined ? {} : { error }) };
      },
      (error: unknown): HumilityExit => {
        const cause = error instanceof DevicesError ? error.cause : undefined;
        const enoent = typeof cause === 'object' && cause !== null && Reflect.get(cause, 'code') === 'ENOENT';
        return { exitCode: null, signal: null, error: enoent ? missing('this machine', { cause: error }) : toDevicesError(error) };
      },
    );
    return { stdout: child.stdout, stderr: child.stderr, stdin: child.stdin ?? undefined, argv, exit, kill: () => controller.abort() };
  }

  const connection = request.connection;
  let archivePath = request.settings.archive;
  if (archivePath !== undefined) {
    const upload = await uploadArchive(connection, archivePath, {
      ...(request.signal === undefined ? {} : { signal: request.signal }),
      ...(request.remoteArchiveDir === undefined ? {} : { remoteDir: request.remoteArchiveDir }),
    });
    logger.info(`humility: archive ${upload.uploaded ? 'uploaded to' : 'already on'} ${connection.target}:${upload.remotePath}`);
    request.onArchive?.(upload);
    archivePath = upload.remotePath;
  }
  const env = Object.entries(humilityEnv(request.settings, archivePath)).map(([key, value]) => `${key}=${value}`);
  const argv = ['env', ...env, program, ...request.args];
  const remote = await connection.spawn(argv, { signal, cancelSignal: 'INT' });
  const stderrTail = keepTail(remote.stderr);
  const exit = remote.result.then(
    async (result): Promise<HumilityExit> => {
      // 127: env (or the shell) did not find the program.
      if (result.exitCode === 127) return { exitCode: 127, signal: result.signal, error: missing(connection.target, { stderr: stderrTail() }) };
      const error = result.exitCode === 0 ? undefined : await translate(request, connection.target, stderrTail(), result.exitCode);
      return { exitCode: result.exitCode, signal: result.signal, ...(error === undefined ? {} : { error }) };
    },
    (error: unknown): HumilityExit => ({ exitCode: null, signal: null, error: toDevicesError(error) }),
  );
  return { stdout: remote.stdout, stderr: remote.stderr, stdin: remote.stdin, argv, exit, kill: () => controller.abort() };
}
