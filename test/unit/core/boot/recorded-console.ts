/**
 * A ConsoleStream that replays recorded u-boot output (test/fixtures/boot/console) and records
 * what is written to it, for the helper's state machines without a board.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Disposable } from '../../../../src/core/jobs';
import type { ConsoleStream } from '../../../../src/core/serial/console-stream';

export const CHOICE_PROMPT = 'Enter choice: ';

export function transcript(name: string): Buffer {
  return readFileSync(join(__dirname, '../../../fixtures/boot/console', name));
}

/** The bytes up to and including the first `Enter choice: `, and the rest (what followed the choice). */
export function splitAtMenu(bytes: Buffer): { readonly menu: Buffer; readonly rest: Buffer } {
  const at = bytes.indexOf(CHOICE_PROMPT);
  if (at === -1) throw new Error('the transcript has no menu');
  const end = at + CHOICE_PROMPT.length;
  return { menu: bytes.subarray(0, end), rest: bytes.subarray(end) };
}

/** Deterministic uneven chunk sizes (1…max) from a seed, so a failure can be replayed. */
export function oddChunks(bytes: Buffer, seed: number, max = 17): Buffer[] {
  const chunks: Buffer[] = [];
  let state = seed;
  for (let at = 0; at < bytes.length; ) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const size = 1 + (state % max);
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

export class RecordedConsole implements ConsoleStream {
  readonly writes: string[] = [];
  /** Called after each write is recorded: a test's stand-in for the board answering a key. */
  onWrite: ((data: string) => void) | undefined;
  private readonly listeners = new Set<(chunk: Buffer) => void>();

  onData(listener: (chunk: Buffer) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  write(data: string | Uint8Array): Promise<void> {
    const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
    this.writes.push(text);
    this.onWrite?.(text);
    return Promise.resolve();
  }

  /** Sends console output, as one chunk or as the given chunks. */
  push(data: Buffer | string | readonly Buffer[]): void {
    const chunks = typeof data === 'string' ? [Buffer.from(data)] : Buffer.isBuffer(data) ? [data] : data;
    for (const chunk of chunks) for (const listener of [...this.listeners]) listener(chunk);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}
