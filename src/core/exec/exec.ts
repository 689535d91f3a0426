/**
 * The one way NixOS Devices runs a local program: an argv (never a shell string), its own
 * process group so a cancel reaches every descendant, stdout/stderr streamed by line, output
 * captured up to a bound, and cancellation by AbortSignal: SIGINT to the group first (nix and dd
 * clean up on it), SIGTERM after a grace period, SIGKILL as a last resort.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { DevicesError, toDevicesError } from '../errors';
import { SILENT_LOGGER, type Logger } from '../log';
import { LineSplitter } from './line-splitter';

/** How long a program gets to exit after SIGINT before SIGTERM, and again before SIGKILL. */
export const KILL_GRACE_MS = 3_000;
/** Captured stdout/stderr beyond this are dropped from the result (lines are still streamed). */
export const DEFAULT_CAPTURE_LIMIT_BYTES = 64 * 1024 * 1024;

export interface ExecOptions {
  readonly cwd?: string;
  /** Merged over process.env; a value of `undefined` removes the variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Replaces process.env entirely (before `env` is merged). */
  readonly baseEnv?: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
  /** Data to write to stdin; stdin is closed otherwise, unless `keepStdinOpen`. */
  readonly stdin?: string | Buffer;
  /** Leave stdin open as a pipe for the caller to write (a streamed image, a closure export). */
  readonly keepStdinOpen?: boolean;
  /** Force the C locale because the output will be parsed. */
  readonly parseable?: boolean;
  readonly onStdoutLine?: (line: string) => void;
  readonly onStderrLine?: (line: string) => void;
  /** Leave stdout as a raw stream for the caller (no capture, no line splitting). */
  readonly rawStdout?: boolean;
  readonly captureLimitBytes?: number;
  readonly killGraceMs?: number;
  readonly logger?: Logger;
}

export interface ExecResult {
  readonly argv: readonly string[];
  /** null when the program was ended by a signal. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the output was larger than the capture limit and was cut. */
  readonly truncated: boolean;
}

export interface RunningProcess {
  readonly child: ChildProcess;
  /** Resolves when the process has exited and its streams are drained; rejects with
   * DevicesError SPAWN_FAILED or CANCELLED. A non-zero exit resolves. */
  readonly result: Promise<ExecResult>;
}

class BoundedCapture {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;
  constructor(private readonly limit: number) {}
  add(chunk: Buffer): void {
    if (this.size >= this.limit) {
      this.truncated = true;
      return;
    }
    const room = this.limit - this.size;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (kept.length < chunk.length) this.truncated = true;
    this.chunks.push(kept);
    this.size += kept.length;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf-8');
  }
}

function buildEnv(options: ExecOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...(options.baseEnv ?? process.env) };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  if (options.parseable === true) {
    env['LC_ALL'] = 'C';
    env['LANG'] = 'C';
  }
  return env;
}

/** Sends a signal to the child's whole process group, falling back to the child alone. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

export function spawnProcess(argv: readonly string[], options: ExecOptions = {}): RunningProcess {
  const logger = options.logger ?? SILENT_LOGGER;
  const [program, ...args] = argv;
  if (program === undefined || program.length === 0) {
    throw new DevicesError('INVALID_ARGUMENT', 'No program was given to run.');
  }
  if (options.signal?.aborted === true) {
    throw new DevicesError('CANCELLED', `Cancelled before ${program} started.`);
  }
  logger.debug(`exec: ${JSON.stringify(argv)}${options.cwd === undefined ? '' : ` (cwd ${options.cwd})`}`);
  const stdinMode = options.stdin === undefined && options.keepStdinOpen !== true ? 'ignore' : 'pipe';
  const child = spawn(program, args, {
    cwd: options.cwd,
    env: buildEnv(options),
    stdio: [stdinMode, 'pipe', 'pipe'],
    // Its own process group, so cancel reaches the grandchildren too (nix's builders, dd).
    detached: true,
    windowsHide: true,
  });
  const limit = options.captureLimitBytes ?? DEFAULT_CAPTURE_LIMIT_BYTES;
  const stdout = new BoundedCapture(limit);
  const stderr = new BoundedCapture(limit);
  const outLines = options.onStdoutLine === undefined ? undefined : new LineSplitter(options.onStdoutLine);
  const errLines = options.onStderrLine === undefined ? undefined : new LineSplitter(options.onStderrLine);

  if (options.rawStdout !== true) {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout.add(chunk);
      outLines?.push(chunk);
    });
  }
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr.add(chunk);
    errLines?.push(chunk);
  });
  if (options.stdin !== undefined) {
    child.stdin?.on('error', () => undefined); // the program may exit without reading stdin
    child.stdin?.end(options.stdin);
  }

  const timers: NodeJS.Timeout[] = [];
  let cancelled = false;
  const onAbort = (): void => {
    cancelled = true;
    const grace = options.killGraceMs ?? KILL_GRACE_MS;
    logger.debug(`exec: cancelling ${program} (pid ${String(child.pid)})`);
    signalGroup(child, 'SIGINT');
    timers.push(setTimeout(() => signalGroup(child, 'SIGTERM'), grace));
    timers.push(setTimeout(() => signalGroup(child, 'SIGKILL'), grace * 2));
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const result = new Promise<ExecResult>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      options.signal?.removeEventListener('abort', onAbort);
      timers.forEach(clearTimeout);
      const missing = error.code === 'ENOENT';
      reject(
        new DevicesError(
          'SPAWN_FAILED',
          missing
            ? `Could not run ${program}: it is not installed or not on PATH.`
            : `Could not run ${program}: ${error.message}`,
          { cause: error, detail: JSON.stringify(argv) },
        ),
      );
    });
    child.once('close', (exitCode, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      timers.forEach(clearTimeout);
      outLines?.end();
      errLines?.end();
      // The group may hold descendants that outlived the leader (a backgrounded builder).
      if (cancelled) signalGroup(child, 'SIGKILL');
      logger.debug(`exec: ${program} exited with ${exitCode === null ? `signal ${String(signal)}` : String(exitCode)}`);
      if (cancelled) {
        reject(new DevicesError('CANCELLED', `Cancelled ${program}.`));
        return;
      }
      resolve({
        argv,
        exitCode,
        signal,
        stdout: stdout.text(),
        stderr: stderr.text(),
        truncated: stdout.truncated || stderr.truncated,
      });
    });
  });
  return { child, result };
}

/** Runs a program to completion; a non-zero exit resolves (look at `exitCode`). */
export function run(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  try {
    return spawnProcess(argv, options).result;
  } catch (error) {
    return Promise.reject(toDevicesError(error));
  }
}

/** Runs a program and rejects with PROGRAM_FAILED (stderr's tail in the message) on non-zero exit. */
export async function runChecked(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const result = await run(argv, options);
  if (result.exitCode !== 0) throw programFailed(result);
  return result;
}

export function programFailed(result: ExecResult): DevicesError {
  const tail = result.stderr.trim().split('\n').slice(-5).join('\n');
  const how = result.exitCode === null ? `was killed by ${String(result.signal)}` : `exited with ${result.exitCode}`;
  return new DevicesError('PROGRAM_FAILED', `${result.argv[0] ?? 'program'} ${how}${tail ? `: ${tail}` : '.'}`, {
    detail: `${JSON.stringify(result.argv)}\n${result.stderr}`,
  });
}
