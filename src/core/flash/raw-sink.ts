/**
 * The body sink for macOS (docs/flash-macos.md): plain writes to the raw device /dev/rdiskN. A raw
 * device has no buffer cache to bypass, so there is no O_DIRECT flag (macOS has none: Node's
 * `constants.O_DIRECT` is undefined there) and no aligned memory to find; what it does demand is
 * whole sectors, in length and in offset. So the body goes out in RAW_WRITE_BLOCK (4 MiB) blocks
 * from the 1 MiB mark, both multiples of every sector size; one block is written while the next
 * fills, as `dd bs=4m` would but without a pipe. No program is run (no GNU dd flags on macOS).
 *
 * The last block is cut to whole sectors; with `wholeSectors` (a raw device) a partial last
 * sector is padded with zeros: the bytes written past the image's end are those zeros, at most
 * SECTOR_BYTES - 1 of them, in the sector the image ends in (on a card, space no partition of the
 * image covers). The hashes are of the image's bytes only: the caller hashes the chunks it gives,
 * never the padding, and the read-back hashes exactly the image's length. Without `wholeSectors`
 * (a plain file) the tail is written as it is and nothing lies past the image.
 *
 * `end` syncs with fsync(2). On macOS that hands the data to the drive but does not flush the
 * drive's own write cache; that takes fcntl(F_FULLFSYNC), which Node does not expose (no fcntl in
 * node:fs). Ejecting the card (`diskutil eject`) flushes it before the card may be pulled.
 */
import { DevicesError } from '../errors';
import type { BodySink } from './body-sink';
import { errorCode } from './image-errors';
import { RAW_WRITE_BLOCK } from './macos-disk';

/** The sector size raw writes are whole multiples of (SD cards and USB readers: 512). */
export const SECTOR_BYTES = 512;

/** What the sink writes through: a FileHandle, or a recorder around one in tests. */
export interface RawTarget {
  write(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
}

export interface RawSinkOptions {
  /** Where the body starts (HEAD_BYTES: a whole number of sectors). */
  readonly startOffset: number;
  /** The target takes whole sectors only (a raw device): pad the last one with zeros. */
  readonly wholeSectors: boolean;
  /** For messages. */
  readonly devicePath: string;
  /** Block size; RAW_WRITE_BLOCK unless a test wants smaller ones. A multiple of SECTOR_BYTES. */
  readonly blockBytes?: number;
}

/** `data`'s first `length` bytes, padded with zeros to whole sectors (a copy when padding is needed). */
export function padToSectors(data: Buffer, length: number): Buffer {
  const whole = Math.ceil(length / SECTOR_BYTES) * SECTOR_BYTES;
  if (whole === length) return data.subarray(0, length);
  if (whole <= data.length) {
    data.fill(0, length, whole);
    return data.subarray(0, whole);
  }
  const padded = Buffer.alloc(whole);
  data.copy(padded, 0, 0, length);
  return padded;
}

export function rawSink(target: RawTarget, options: RawSinkOptions): BodySink {
  const blockBytes = options.blockBytes ?? RAW_WRITE_BLOCK;
  if (blockBytes % SECTOR_BYTES !== 0 || options.startOffset % SECTOR_BYTES !== 0) {
    throw new DevicesError('INTERNAL', `Raw writes need whole sectors (block ${blockBytes}, start ${options.startOffset}).`);
  }
  // Two blocks: one being written, one filling. Each is its own allocation (4 MiB is far past
  // Node's pool), so no block shares memory with another.
  let filling: Buffer = Buffer.alloc(blockBytes);
  let spare: Buffer | undefined = Buffer.alloc(blockBytes);
  let fill = 0;
  let position = options.startOffset;
  let writing: Promise<Buffer> | undefined;

  const writeAll = async (block: Buffer, length: number, at: number): Promise<Buffer> => {
    let done = 0;
    while (done < length) {
      const { bytesWritten } = await target.write(block, done, length - done, at + done);
      if (bytesWritten === 0) throw Object.assign(new Error('No space left on device'), { code: 'ENOSPC' });
      done += bytesWritten;
    }
    return block;
  };
  /** Waits for the block in flight; its buffer becomes the spare. */
  const settle = async (): Promise<void> => {
    if (writing === undefined) return;
    const pending = writing;
    writing = undefined;
    try {
      spare = await pending;
    } catch (error) {
      throw failed(options.devicePath, error);
    }
  };
  const start = (length: number): void => {
    const block = filling;
    writing = writeAll(block, length, position);
    writing.catch(() => undefined); // awaited by settle; not an unhandled rejection meanwhile
    position += length;
  };

  return {
    async write(chunk) {
      let offset = 0;
      while (offset < chunk.length) {
        const copied = chunk.copy(filling, fill, offset);
        fill += copied;
        offset += copied;
        if (fill === filling.length) {
          await settle();
          start(fill);
          const next = spare;
          if (next === undefined) throw new DevicesError('INTERNAL', 'Raw sink lost its spare block.');
          filling = next;
          spare = undefined;
          fill = 0;
        }
      }
    },
    async end() {
      await settle();
      if (fill > 0) {
        const last = options.wholeSectors ? padToSectors(filling, fill) : filling.subarray(0, fill);
        await writeAll(last, last.length, position).catch((error: unknown) => {
          throw failed(options.devicePath, error);
        });
        position += fill;
        fill = 0;
      }
      await target.sync().catch((error: unknown) => {
        throw failed(options.devicePath, error);
      });
    },
    async abort() {
      fill = 0;
      await settle().catch(() => undefined);
    },
  };
}

function failed(devicePath: string, cause: unknown): DevicesError {
  if (cause instanceof DevicesError) return cause;
  return errorCode(cause) === 'ENOSPC'
    ? new DevicesError('DRIVE_TOO_SMALL', `${devicePath} is full: the image is larger than the drive.`, { cause })
    : new DevicesError('PROGRAM_FAILED', `Writing to ${devicePath} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
}
