/**
 * Where the image's body (everything after the first MiB) goes. Two ways, chosen by measurement
 * (bench/flash): for block devices, `dd oflag=direct` fed by our stream — O_DIRECT needs buffers
 * aligned in memory, which plain Node cannot promise (probing showed 512-byte writes pass at
 * most offsets of an ordinary Buffer while 4 MiB writes fail with EINVAL), and buffered writes
 * to a loop device plus fsync took 3–7× longer than dd's direct writes because the whole image
 * goes through the page cache first. Plain files too (dd's direct writes beat buffered writes
 * plus fsync there as well), except on filesystems without O_DIRECT (FUSE, tmpfs before 6.6): buffered writes
 * and fsync. dd clears O_DIRECT for a short last block itself, so the image need not be a
 * multiple of the block size.
 */
import type { FileHandle } from 'node:fs/promises';
import { DevicesError } from '../errors';
import { programFailed, spawnProcess, type RunningProcess } from '../exec';
import type { Logger } from '../log';
import { writeBounded } from './child-input';

export type WriteMode = 'direct' | 'buffered';

export interface BodySink {
  /** Writes the next piece (in order); resolves when it may be given more. */
  write(chunk: Buffer): Promise<void>;
  /** Flushes and waits until everything is on the device's side of the kernel. */
  end(): Promise<void>;
}

/** Buffered writes are gathered to this size for one writev (fewer trips through libuv's pool). */
const BUFFERED_WRITE_BYTES = 4 * 1024 * 1024;
const DD_BLOCK = '4M';

export function bufferedSink(handle: FileHandle, startOffset: number): BodySink {
  let position = startOffset;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async (): Promise<void> => {
    let buffers = pending;
    let bytes = pendingBytes;
    pending = [];
    pendingBytes = 0;
    while (bytes > 0) {
      const { bytesWritten } = await handle.writev(buffers, position);
      position += bytesWritten;
      bytes -= bytesWritten;
      if (bytes > 0) buffers = dropBytes(buffers, bytesWritten);
    }
  };
  return {
    async write(chunk) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= BUFFERED_WRITE_BYTES) await flush();
    },
    async end() {
      await flush();
      await handle.sync();
    },
  };
}

function dropBytes(buffers: readonly Buffer[], count: number): Buffer[] {
  const rest: Buffer[] = [];
  let skip = count;
  for (const buffer of buffers) {
    if (skip >= buffer.length) skip -= buffer.length;
    else {
      rest.push(skip === 0 ? buffer : buffer.subarray(skip));
      skip = 0;
    }
  }
  return rest;
}

export interface DirectSinkOptions {
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
}

export function directSink(devicePath: string, startOffset: number, options: DirectSinkOptions): BodySink {
  const running: RunningProcess = spawnProcess(
    ['dd', `of=${devicePath}`, `bs=${DD_BLOCK}`, 'iflag=fullblock', 'oflag=direct,seek_bytes', `seek=${startOffset}`, 'conv=notrunc', 'status=none'],
    {
      keepStdinOpen: true,
      parseable: true,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    },
  );
  running.result.catch(() => undefined);
  const stdin = running.child.stdin;
  let failure: unknown;
  stdin?.on('error', (error) => {
    failure ??= error;
  });
  const failed = async (): Promise<never> => {
    const result = await running.result;
    if (result.exitCode !== 0) throw ddFailed(devicePath, programFailed(result));
    throw ddFailed(devicePath, failure);
  };
  return {
    async write(chunk) {
      if (stdin === null || failure !== undefined || stdin.destroyed) return failed();
      await writeBounded(stdin, chunk);
    },
    async end() {
      stdin?.end();
      const result = await running.result;
      if (result.exitCode !== 0) throw ddFailed(devicePath, programFailed(result));
    },
  };
}

function ddFailed(devicePath: string, cause: unknown): DevicesError {
  const text = cause instanceof Error ? cause.message : String(cause);
  const full = /No space left/i.test(text);
  return new DevicesError(full ? 'DRIVE_TOO_SMALL' : 'PROGRAM_FAILED', full ? `${devicePath} is full: the image is larger than the drive.` : `Writing to ${devicePath} failed: ${text}`, {
    cause,
  });
}
