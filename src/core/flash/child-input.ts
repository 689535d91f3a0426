/**
 * Feeding a child program's stdin (dd, openssl) from our stream with a bounded queue: waiting for
 * 'drain' after every 64 KiB chunk (write()'s own 16 KiB mark) serialised the pipeline — while
 * dd wrote a 4 MiB block neither we nor the decompressor could run ahead, and every hand-over
 * cost a trip through the scheduler. A few MiB of slack lets the stages overlap.
 */
import type { Writable } from 'node:stream';

export const CHILD_QUEUE_BYTES = 16 * 1024 * 1024;

/** Writes `chunk`; resolves at once unless more than `maxQueued` bytes wait, then on drain/close. */
export async function writeBounded(stdin: Writable, chunk: Buffer, maxQueued = CHILD_QUEUE_BYTES): Promise<void> {
  stdin.write(chunk);
  if (stdin.writableLength < maxQueued) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      stdin.off('drain', done);
      stdin.off('close', done);
      resolve();
    };
    stdin.on('drain', done);
    stdin.on('close', done);
  });
}
