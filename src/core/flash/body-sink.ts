/**
 * Where the image's body (everything after the first MiB) goes. Two ways, chosen by measurement
 * (bench/flash): for block devices, O_DIRECT writes of 4 MiB blocks from this process, one at a
 * time while the next blocks fill; buffered writes to a loop device plus fsync took 3–7× longer
 * because the whole image goes through the page cache first. Plain files too (direct writes beat
 * buffered writes plus fsync there as well), except on filesystems without O_DIRECT (FUSE, tmpfs
 * before 6.6): buffered writes and fsync.
 *
 * The direct writes were `dd oflag=direct` fed through a pipe, because plain Node cannot promise
 * the aligned memory O_DIRECT needs; direct-io.ts finds aligned memory by trying, and `dd` stays
 * as the fallback for a runtime where that fails. Writing in-process drops one crossing of a pipe
 * (a copy of every byte in 64 KiB pieces, a wake-up of dd each time): 1 GiB to a loop device took
 * 0.4–0.5 s less system CPU (bench/flash A/B against dd, load 5–6); the wall time there was the
 * same, set by decompressing and hashing on a busy 2-core machine and by the final fsync.
 * A last piece shorter than a page is written through the (buffered) target handle and synced.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { DevicesError } from '../errors';
import { programFailed, spawnProcess, type RunningProcess } from '../exec';
import type { Logger } from '../log';
import { writeBounded } from './child-input';
import { alignedBuffer, DIRECT_IO_ALIGN, slices } from './direct-io';
import { errorCode } from './image-errors';

export type WriteMode = 'direct' | 'buffered';

export interface BodySink {
  /** Writes the next piece (in order); resolves when it may be given more. */
  write(chunk: Buffer): Promise<void>;
  /** Flushes and waits until everything is on the device's side of the kernel. */
  end(): Promise<void>;
  /** After a failure or cancel: stops without writing what is still held, and never throws. */
  abort(): Promise<void>;
}

/** Buffered writes are gathered to this size for one writev (fewer trips through libuv's pool). */
const BUFFERED_WRITE_BYTES = 4 * 1024 * 1024;
const DD_BLOCK = '4M';
/** O_DIRECT writes of this size, as `dd bs=4M` did. */
const DIRECT_BLOCK_BYTES = 4 * 1024 * 1024;
/** One block being written, up to two filling meanwhile: the decompressor runs ahead of a slow card by 8 MiB. */
const DIRECT_SLOTS = 3;

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
    async abort() {
      pending = [];
      pendingBytes = 0;
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

/**
 * Direct writes for the body from `startOffset` on. `zeroed` is a handle on the target (opened
 * without O_DIRECT, exclusively) whose first DIRECT_IO_ALIGN bytes the caller has zeroed and
 * writes last (the wipe and the held-back head): the alignment trial writes zeros there, and the
 * handle takes the short last piece and any block the kernel refuses to take directly.
 */
export async function openDirectSink(devicePath: string, zeroed: FileHandle, startOffset: number, options: DirectSinkOptions): Promise<BodySink> {
  let direct: FileHandle;
  try {
    direct = await open(devicePath, constants.O_WRONLY | constants.O_DIRECT);
  } catch {
    return ddSink(devicePath, startOffset, options);
  }
  let memory: Buffer | undefined;
  try {
    memory = await alignedBuffer(DIRECT_SLOTS * DIRECT_BLOCK_BYTES, (probe) => direct.write(probe, 0, probe.length, 0));
  } catch (error) {
    await direct.close().catch(() => undefined);
    throw writeFailed(devicePath, error);
  }
  if (memory === undefined) {
    await direct.close();
    options.logger?.debug(`flash: no O_DIRECT-aligned memory found for ${devicePath}; writing through dd`);
    return ddSink(devicePath, startOffset, options);
  }
  return directSink(devicePath, direct, zeroed, startOffset, slices(memory, DIRECT_SLOTS, DIRECT_BLOCK_BYTES));
}

interface Block {
  readonly buffer: Buffer;
  readonly length: number;
  readonly position: number;
}

function directSink(devicePath: string, direct: FileHandle, zeroed: FileHandle, startOffset: number, slots: Buffer[]): BodySink {
  const free = [...slots];
  const queue: Block[] = [];
  let current: Buffer | undefined;
  let fill = 0;
  let position = startOffset;
  let failure: unknown;
  let writing: Promise<void> | undefined;
  let wakeWriter: (() => void) | undefined;
  /** Set once the kernel refused a direct write (EINVAL): the rest goes through `zeroed`, then fsync. */
  let buffered = false;

  const writeBlock = async (block: Block): Promise<void> => {
    let done = 0;
    while (done < block.length) {
      const through = buffered ? zeroed : direct;
      try {
        const { bytesWritten } = await through.write(block.buffer, done, block.length - done, block.position + done);
        if (bytesWritten === 0) throw new DevicesError('DRIVE_TOO_SMALL', `${devicePath} is full: the image is larger than the drive.`);
        done += bytesWritten;
      } catch (error) {
        if (buffered || errorCode(error) !== 'EINVAL') throw error;
        buffered = true;
      }
    }
  };
  /** Writes the queued blocks in order, one at a time, handing each slot back when written. */
  const drain = async (): Promise<void> => {
    try {
      for (let block = queue[0]; block !== undefined && failure === undefined; block = queue[0]) {
        await writeBlock(block);
        queue.shift();
        free.push(block.buffer);
        wakeWriter?.();
      }
    } catch (error) {
      failure = error;
      wakeWriter?.();
    } finally {
      writing = undefined;
    }
  };
  const enqueue = (buffer: Buffer, length: number): void => {
    queue.push({ buffer, length, position });
    position += length;
    writing ??= drain();
  };
  const slot = async (): Promise<Buffer> => {
    for (;;) {
      if (failure !== undefined) throw writeFailed(devicePath, failure);
      const buffer = free.pop();
      if (buffer !== undefined) return buffer;
      await new Promise<void>((resolve) => {
        wakeWriter = resolve;
      });
      wakeWriter = undefined;
    }
  };
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      while (writing !== undefined) await writing;
      await direct.close();
    })());

  return {
    async write(chunk) {
      let offset = 0;
      while (offset < chunk.length) {
        current ??= await slot();
        const copied = chunk.copy(current, fill, offset);
        fill += copied;
        offset += copied;
        if (fill === current.length) {
          enqueue(current, fill);
          current = undefined;
          fill = 0;
        }
      }
    },
    async end() {
      // O_DIRECT takes whole pages: the last piece's tail goes through the buffered handle.
      const last = current;
      const whole = fill - (fill % DIRECT_IO_ALIGN);
      const tailAt = position + whole;
      if (last !== undefined && whole > 0) enqueue(last, whole);
      await close();
      if (failure !== undefined) throw writeFailed(devicePath, failure);
      if (last !== undefined && fill > whole) {
        await writeAll(zeroed, last.subarray(whole, fill), tailAt).catch((error: unknown) => {
          throw writeFailed(devicePath, error);
        });
      }
      if (buffered || fill > whole) await zeroed.sync();
    },
    async abort() {
      queue.splice(1);
      await close().catch(() => undefined);
    },
  };
}

async function writeAll(handle: FileHandle, data: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
    if (bytesWritten === 0) throw Object.assign(new Error('No space left on device'), { code: 'ENOSPC' });
    done += bytesWritten;
  }
}

function writeFailed(devicePath: string, cause: unknown): DevicesError {
  if (cause instanceof DevicesError) return cause;
  return errorCode(cause) === 'ENOSPC'
    ? new DevicesError('DRIVE_TOO_SMALL', `${devicePath} is full: the image is larger than the drive.`, { cause })
    : new DevicesError('PROGRAM_FAILED', `Writing to ${devicePath} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
}

/** `dd oflag=direct` fed through its stdin: the fallback when no aligned memory was found. */
function ddSink(devicePath: string, startOffset: number, options: DirectSinkOptions): BodySink {
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
    async abort() {
      stdin?.end();
      await running.result.catch(() => undefined);
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
