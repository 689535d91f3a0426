/**
 * Verification's second pass: reads back exactly the bytes written and hashes them. A block
 * device is read with O_DIRECT (`dd iflag=direct`), so the page cache that still holds what we
 * wrote cannot answer for the card; a plain file is read normally (its page cache is the file).
 */
import { createReadStream } from 'node:fs';
import { spawnProcess } from '../exec';
import type { Logger } from '../log';
import { DevicesError } from '../errors';
import { programFailed } from '../exec';
import { createSha256Hasher, type HashChoice } from './sha256-hasher';

const SECTOR_BYTES = 512;
const READ_CHUNK_BYTES = 4 * 1024 * 1024;

export interface ReadBackOptions {
  /** Resolved hash choice; Node's crypto when not given. */
  readonly hash?: Exclude<HashChoice, 'auto'>;
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
  readonly onBytes?: (bytesDone: number) => void;
}

/** SHA-256 (hex) of the first `length` bytes of `path`. */
export async function hashDeviceBytes(path: string, length: number, bypassCache: boolean, options: ReadBackOptions = {}): Promise<string> {
  const hasher = createSha256Hasher(options.hash ?? 'in-process', {
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  let done = 0;
  const take = async (chunk: Buffer): Promise<void> => {
    const piece = done + chunk.length > length ? chunk.subarray(0, length - done) : chunk;
    done += piece.length;
    options.onBytes?.(done);
    await hasher.update(piece);
  };
  try {
    await readInto(path, length, bypassCache, options, take);
  } catch (error) {
    await hasher.digest().catch(() => undefined); // ends an openssl hasher
    throw error;
  }
  if (done !== length) {
    throw new DevicesError('VERIFY_FAILED', `Reading ${path} back gave ${done} bytes, not the ${length} written.`);
  }
  return hasher.digest();
}

async function readInto(path: string, length: number, bypassCache: boolean, options: ReadBackOptions, take: (chunk: Buffer) => Promise<void>): Promise<void> {
  if (!bypassCache) {
    const stream = createReadStream(path, { start: 0, end: Math.max(0, length - 1), highWaterMark: READ_CHUNK_BYTES, ...(options.signal === undefined ? {} : { signal: options.signal }) });
    if (length > 0) for await (const chunk of stream) await take(chunk as Buffer);
  } else {
    // O_DIRECT reads must be whole sectors: read up to the next sector and hash only `length`.
    const sectors = Math.ceil(length / SECTOR_BYTES);
    const running = spawnProcess(['dd', `if=${path}`, `bs=${READ_CHUNK_BYTES}`, 'iflag=direct,count_bytes', `count=${sectors * SECTOR_BYTES}`, 'status=none'], {
      rawStdout: true,
      parseable: true,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
    running.result.catch(() => undefined);
    if (running.child.stdout !== null) for await (const chunk of running.child.stdout) await take(chunk as Buffer);
    const result = await running.result;
    if (result.exitCode !== 0) throw programFailed(result);
  }
}
