/**
 * Verification's second pass: reads back exactly the bytes written and hashes them. A block
 * device is read with O_DIRECT, so the page cache that still holds what we wrote cannot answer
 * for the card; a plain file is read normally (its page cache is the file).
 *
 * The O_DIRECT reads are our own (aligned memory from direct-io.ts), 4 MiB each with the next two
 * in flight while one is hashed: 1 GiB of a loop device after a cache flush took 1.1–1.35 s where
 * `dd iflag=direct` piped into this process took 2.3–3.8 s and `cmp` against the image 4.8–5.4 s
 * (interleaved, load 6), because every byte crossed a pipe in 64 KiB pieces and the reads did not
 * overlap the hashing. `dd` stays as the fallback when no aligned memory is found.
 *
 * On macOS (`platform` 'darwin') the path is the raw device /dev/rdiskN, which no cache stands in
 * front of: plain reads of whole sectors, no O_DIRECT (there is none) and no dd (GNU's
 * `iflag=direct,count_bytes` do not exist in BSD dd). Plain files are read the same way there.
 */
import { constants, createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { spawnProcess } from '../exec';
import type { Logger } from '../log';
import { DevicesError } from '../errors';
import { programFailed } from '../exec';
import { alignedBuffer, DIRECT_IO_ALIGN, slices } from './direct-io';
import { createSha256Hasher, type HashChoice } from './sha256-hasher';

const SECTOR_BYTES = 512;
const READ_CHUNK_BYTES = 4 * 1024 * 1024;
/** Reads in flight plus the block being hashed. */
const DIRECT_READ_SLOTS = 3;

export interface ReadBackOptions {
  /** Resolved hash choice; Node's crypto when not given. */
  readonly hash?: Exclude<HashChoice, 'auto'>;
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
  readonly onBytes?: (bytesDone: number) => void;
  /** Which system's reads to use; process.platform when not given (tests drive 'darwin' here). */
  readonly platform?: NodeJS.Platform;
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
    // Our O_DIRECT blocks are read into again: a hasher that holds chunks must get a copy.
    await hasher.update(hasher.keepsChunks ? Buffer.from(piece) : piece);
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
  if ((options.platform ?? process.platform) === 'darwin') return readSectors(path, length, options, take);
  if (bypassCache && length > 0 && (await readDirect(path, length, options, take))) return;
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

/**
 * Reads the first `length` bytes (rounded up to whole pages: the device or file holds at least
 * that many sectors, and a read that reaches its end is just short) with O_DIRECT into a ring of
 * aligned blocks, hashing each while the next ones are read. False when no aligned memory was
 * found (the caller falls back to dd).
 */
async function readDirect(path: string, length: number, options: ReadBackOptions, take: (chunk: Buffer) => Promise<void>): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_DIRECT);
  } catch {
    return false;
  }
  try {
    const file = handle;
    const memory = await alignedBuffer(DIRECT_READ_SLOTS * READ_CHUNK_BYTES, (probe) => file.read(probe, 0, probe.length, 0));
    if (memory === undefined) return false;
    const end = Math.ceil(length / DIRECT_IO_ALIGN) * DIRECT_IO_ALIGN;
    await readRing(file, path, slices(memory, DIRECT_READ_SLOTS, READ_CHUNK_BYTES), { end, align: DIRECT_IO_ALIGN, length }, options, take);
    return true;
  } catch (error) {
    throw readFailed(path, error, options);
  } finally {
    await handle.close();
  }
}

/**
 * Reads [0, end) of `handle` into `blocks` in turn, a block's next read started as soon as it has
 * been taken, so the reads in flight overlap the hashing. Stops after `length` bytes or at a short
 * read (the end of the file or device). Every read starts at a multiple of `align` (O_DIRECT and
 * raw devices take nothing else).
 */
async function readRing(
  handle: FileHandle,
  path: string,
  blocks: readonly Buffer[],
  range: { readonly end: number; readonly align: number; readonly length: number },
  options: ReadBackOptions,
  take: (chunk: Buffer) => Promise<void>,
): Promise<void> {
  let next = 0;
  const start = (block: Buffer): Promise<number> | undefined => {
    if (next >= range.end) return undefined;
    const position = next;
    next += block.length;
    return readFull(handle, block, Math.min(block.length, range.end - position), position, range.align);
  };
  const reads = blocks.map(start);
  try {
    for (let index = 0, got = 0; got < range.length; index = (index + 1) % blocks.length) {
      const block = blocks[index];
      const reading = reads[index];
      if (block === undefined || reading === undefined) break;
      const bytes = await reading;
      reads[index] = undefined;
      options.signal?.throwIfAborted();
      got += bytes;
      if (bytes > 0) await take(block.subarray(0, bytes));
      if (bytes < block.length) break;
      reads[index] = start(block);
    }
  } catch (error) {
    throw readFailed(path, error, options);
  } finally {
    // Reads still in flight must end before the handle closes; their results no longer matter.
    await Promise.allSettled(reads.filter((read): read is Promise<number> => read !== undefined));
  }
}

function readFailed(path: string, error: unknown, options: ReadBackOptions): unknown {
  return error instanceof DevicesError || options.signal?.aborted === true
    ? error
    : new DevicesError('VERIFY_FAILED', `Reading ${path} back failed: ${error instanceof Error ? error.message : String(error)}. The card may be failing; try another one.`, { cause: error });
}

/** Reads until `length` bytes or the end (a short count then). */
async function readFull(handle: FileHandle, block: Buffer, length: number, position: number, align: number): Promise<number> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(block, done, length - done, position + done);
    done += bytesRead;
    // Short only at the end: reading on from an unaligned offset would be refused (EINVAL).
    if (bytesRead === 0 || done % align !== 0) break;
  }
  return done;
}

/**
 * macOS: reads the first `length` bytes rounded up to whole sectors (a raw device takes nothing
 * else; the sector the image ends in is whole on the card, its tail the writer's zero padding) in
 * READ_CHUNK_BYTES blocks, the next read in flight while one is hashed. `take` trims to `length`,
 * so the hash covers exactly the image's bytes. A read short of a block ends the file or device.
 */
async function readSectors(path: string, length: number, options: ReadBackOptions, take: (chunk: Buffer) => Promise<void>): Promise<void> {
  if (length === 0) return;
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY);
  } catch (error) {
    throw new DevicesError('VERIFY_FAILED', `Could not open ${path} to read it back: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const end = Math.ceil(length / SECTOR_BYTES) * SECTOR_BYTES;
  try {
    await readRing(handle, path, [Buffer.alloc(READ_CHUNK_BYTES), Buffer.alloc(READ_CHUNK_BYTES)], { end, align: SECTOR_BYTES, length }, options, take);
  } finally {
    await handle.close();
  }
}
