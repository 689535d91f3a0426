/**
 * `exec`: runs an argv on the device to completion, feeding stdin (data or a stream) and
 * capturing stdout/stderr up to a bound while streaming them to callbacks.
 */
import type { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import type { Client } from 'ssh2';
import { DevicesError } from '../errors';
import type { Logger } from '../log';
import { spawnRemote, type RemoteExit, type RemoteSpawnOptions } from './remote-process';

/** Captured output beyond this is dropped from the result (callbacks still see it). */
export const REMOTE_CAPTURE_LIMIT_BYTES = 16 * 1024 * 1024;

export interface RemoteExecOptions extends RemoteSpawnOptions {
  /** Data or a stream for the remote stdin; without it stdin is closed at once. */
  readonly stdin?: string | Buffer | Readable;
  readonly onStdout?: (chunk: Buffer) => void;
  readonly onStderr?: (chunk: Buffer) => void;
  readonly captureLimitBytes?: number;
}

export interface RemoteExecResult extends RemoteExit {
  readonly stdout: string;
  readonly stderr: string;
  readonly stdoutBytes: Buffer;
  readonly truncated: boolean;
}

class Capture {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;
  constructor(private readonly limit: number) {}
  add(chunk: Buffer): void {
    const room = this.limit - this.size;
    if (chunk.length > room) this.truncated = true;
    if (room <= 0) return;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(kept);
    this.size += kept.length;
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function toBuffer(chunk: unknown): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
}

export async function execRemote(client: Client, target: string, argv: readonly string[], options: RemoteExecOptions, logger: Logger): Promise<RemoteExecResult> {
  const process = await spawnRemote(client, target, argv, options, logger);
  const limit = options.captureLimitBytes ?? REMOTE_CAPTURE_LIMIT_BYTES;
  const out = new Capture(limit);
  const err = new Capture(limit);
  process.stdout.on('data', (chunk: unknown) => {
    const buffer = toBuffer(chunk);
    out.add(buffer);
    options.onStdout?.(buffer);
  });
  process.stderr.on('data', (chunk: unknown) => {
    const buffer = toBuffer(chunk);
    err.add(buffer);
    options.onStderr?.(buffer);
  });
  const input = options.stdin;
  let feeding: Promise<void> = Promise.resolve();
  if (input === undefined) process.stdin.end();
  else if (typeof input === 'string' || Buffer.isBuffer(input)) process.stdin.end(input);
  // The remote side may exit without reading all its input: that is its answer, not our error.
  else feeding = pipeline(input, process.stdin).catch((error: unknown) => logger.debug(`ssh ${target}: stdin ended early: ${String(error)}`));
  const exit = await process.result;
  await feeding;
  // stderr passes a transform (pid-line.ts): let its last bytes arrive before reading the capture.
  await finished(process.stderr).catch(() => undefined);
  if (exit.exitCode === null && exit.signal === null) {
    throw new DevicesError(
      'SSH_FAILED',
      `The connection to ${target} was lost while running ${argv[0] ?? ''}; whether it finished on the device is unknown.`,
      { detail: err.bytes().toString('utf-8') },
    );
  }
  const stdoutBytes = out.bytes();
  return {
    ...exit,
    stdoutBytes,
    stdout: stdoutBytes.toString('utf-8'),
    stderr: err.bytes().toString('utf-8'),
    truncated: out.truncated || err.truncated,
  };
}
