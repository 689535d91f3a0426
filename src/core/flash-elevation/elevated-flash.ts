/**
 * Flashing a device the user cannot write: the editor never runs as root, so the bundled CLI
 * does the privileged part (it re-applies the drive policy itself to the device it is given)
 * under pkexec (polkit) or sudo, and its `--json` event lines become this Job's events.
 * pkexec clears the environment, hence `pkexec env ELECTRON_RUN_AS_NODE=1 <runtime> <cli>`: VS
 * Code's own binary then runs the CLI as Node instead of opening a root editor window.
 */
import { flashCliArgv, type FlashCliArgvOptions } from '../flash/flash-cli-argv';
import { DevicesError, type DevicesErrorCode } from '../errors';
import { spawnProcess } from '../exec';
import type { FlashResult } from '../flash';
import { Job, type JobProgress } from '../jobs';
import { SILENT_LOGGER, type Logger } from '../log';

export type ElevationMethod = 'pkexec' | 'sudo';

/** `runtimePath`: VS Code's binary (with ELECTRON_RUN_AS_NODE) or node. */
export interface ElevatedFlashOptions extends FlashCliArgvOptions {
  readonly method: ElevationMethod;
  /** For sudo: the user's password, fed on stdin (never on a command line). Undefined tries
   * without one (a NOPASSWD rule). */
  readonly sudoPassword?: string;
  readonly logger?: Logger;
  readonly signal?: AbortSignal;
}

export function elevatedFlashArgv(options: Omit<ElevatedFlashOptions, 'logger' | 'signal' | 'sudoPassword'> & { readonly withPassword?: boolean }): string[] {
  const cli = [
    ...flashCliArgv(options),
  ];
  if (options.method === 'pkexec') return ['pkexec', ...cli];
  return options.withPassword === true ? ['sudo', '-S', '-p', '', '-k', '--', ...cli] : ['sudo', '-n', '--', ...cli];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const PKEXEC_DISMISSED = 126;
const PKEXEC_NOT_AUTHORIZED = 127;

export function startElevatedFlash(options: ElevatedFlashOptions): Job<FlashResult> {
  const logger = options.logger ?? SILENT_LOGGER;
  return Job.start(
    `Flash ${options.image} to ${options.target}`,
    async (ctx) => {
      const argv = elevatedFlashArgv({ ...options, withPassword: options.sudoPassword !== undefined });
      let result: FlashResult | undefined;
      let failure: DevicesError | undefined;
      const running = spawnProcess(argv, {
        signal: ctx.signal,
        logger,
        ...(options.sudoPassword === undefined ? {} : { stdin: `${options.sudoPassword}\n` }),
        onStdoutLine: (line) => {
          let event: unknown;
          try {
            event = JSON.parse(line);
          } catch {
            ctx.log(line);
            return;
          }
          if (!isRecord(event)) return;
          switch (event['event']) {
            case 'phase':
              if (typeof event['phase'] === 'string') ctx.phase(event['phase']);
              break;
            case 'progress':
              if (typeof event['done'] === 'number' && typeof event['unit'] === 'string') ctx.progress(event as unknown as JobProgress);
              break;
            case 'log':
              if (typeof event['line'] === 'string') ctx.log(event['line']);
              break;
            case 'result':
              if (event['status'] === 'succeeded') result = event as unknown as FlashResult;
              else
                failure = new DevicesError(
                  typeof event['code'] === 'string' ? (event['code'] as DevicesErrorCode) : 'INTERNAL',
                  typeof event['message'] === 'string' ? event['message'] : 'The flash helper failed.',
                );
              break;
            default:
              break;
          }
        },
      });
      const exit = await running.result;
      if (result !== undefined) return result;
      if (failure !== undefined) throw failure;
      if (options.method === 'pkexec' && (exit.exitCode === PKEXEC_DISMISSED || exit.exitCode === PKEXEC_NOT_AUTHORIZED)) {
        throw new DevicesError('ELEVATION_FAILED', `Authentication to write ${options.target} was dismissed or refused. Nothing was written.`);
      }
      throw new DevicesError('ELEVATION_FAILED', `The privileged flash helper (${argv[0] ?? ''}) exited with ${String(exit.exitCode)}: ${exit.stderr.trim().split('\n').slice(-3).join(' ') || 'no message'}.`, {
        detail: exit.stderr,
      });
    },
    options.signal === undefined ? {} : { signal: options.signal },
  );
}
