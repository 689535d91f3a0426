/**
 * Memory that O_DIRECT accepts, for writing and reading cards in-process instead of through a
 * `dd` child (bench/flash: feeding dd through a second pipe cost the Node thread as much CPU as
 * hashing, and on a busy 2-core machine that thread's share of CPU set the pace). O_DIRECT wants
 * the buffer's address aligned to the device's DMA alignment (512 bytes for most, a page at
 * most), and Node neither lets us choose where a Buffer's memory lies nor tells its address. So we
 * take a page more than needed and find the aligned start by trying: the first offset at which
 * one small O_DIRECT I/O is not refused with EINVAL. The caller makes that trial I/O harmless
 * (a read, or zeros written over zeros), and falls back to `dd` when no offset works.
 */
import { errorCode } from './image-errors';

/** Trial I/O size and the largest alignment looked for: a page, enough for 4Kn drives too. */
export const DIRECT_IO_ALIGN = 4096;
/** ArrayBuffer memory is at least 8-byte aligned (malloc, PartitionAlloc), so 8 is a fine step. */
const PROBE_STEP = 8;

/**
 * A zero-filled Buffer of `bytes` whose start O_DIRECT takes, or undefined when none of the
 * offsets tried works. `trial` does one O_DIRECT I/O of DIRECT_IO_ALIGN bytes from its argument
 * (zeros); EINVAL means misaligned, any other error is thrown.
 */
export async function alignedBuffer(bytes: number, trial: (probe: Buffer) => Promise<unknown>): Promise<Buffer | undefined> {
  const memory = Buffer.alloc(bytes + DIRECT_IO_ALIGN);
  for (let offset = 0; offset < DIRECT_IO_ALIGN; offset += PROBE_STEP) {
    try {
      await trial(memory.subarray(offset, offset + DIRECT_IO_ALIGN));
      return memory.subarray(offset, offset + bytes);
    } catch (error) {
      if (errorCode(error) !== 'EINVAL') throw error;
    }
  }
  return undefined;
}

/** `count` equal pieces of `memory` (from alignedBuffer: each starts aligned when `size` is a multiple of DIRECT_IO_ALIGN). */
export function slices(memory: Buffer, count: number, size: number): Buffer[] {
  return Array.from({ length: count }, (_, index) => memory.subarray(index * size, (index + 1) * size));
}
