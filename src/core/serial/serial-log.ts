/**
 * The console log file: exactly the bytes received, in order, so it matches the screen byte for
 * byte. With timestamps each line is prefixed with its arrival time (UTC, ISO 8601) and the file
 * starts with a header saying so, and `serialLogFileName` puts `.timestamped` in the name: such a
 * file is no longer the raw byte stream.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { DevicesError } from '../errors';

export interface SerialLogOptions {
  readonly path: string;
  readonly timestamps?: boolean;
  /** For the timestamped header: which port at which settings. */
  readonly describe?: string;
  readonly now?: () => Date;
}

/** `ttyUSB0-2026-11-25T12-00-00Z.log` (or `.timestamped.log`). */
export function serialLogFileName(portPath: string, at: Date, timestamps: boolean): string {
  const base = portPath.split('/').pop()?.replace(/[^A-Za-z0-9._-]/g, '_') ?? 'serial';
  const stamp = at.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  return `${base}-${stamp}${timestamps ? '.timestamped' : ''}.log`;
}

export class SerialLog {
  private readonly stream: WriteStream;
  private atLineStart = true;
  private failure: Error | undefined;
  private closed = false;

  private constructor(private readonly options: SerialLogOptions) {
    this.stream = createWriteStream(options.path, { flags: 'a' });
    this.stream.on('error', (error) => {
      this.failure = error;
    });
  }

  static async open(options: SerialLogOptions): Promise<SerialLog> {
    const log = new SerialLog(options);
    try {
      await once(log.stream, 'open');
    } catch (error) {
      throw new DevicesError('PERMISSION_DENIED', `Cannot write the serial log ${options.path}: ${error instanceof Error ? error.message : String(error)}. Choose another file.`, { cause: error });
    }
    if (options.timestamps === true) {
      log.stream.write(`# nixos-devices serial log${options.describe === undefined ? '' : ` of ${options.describe}`}, each line prefixed with its arrival time (UTC); not the raw bytes.\n`);
    }
    return log;
  }

  get path(): string {
    return this.options.path;
  }

  /** Appends received bytes (stamped per line when asked). Write errors surface in `close`. */
  write(chunk: Buffer): void {
    if (this.closed) return;
    if (this.options.timestamps !== true) {
      this.stream.write(chunk);
      return;
    }
    const parts: Buffer[] = [];
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      if (this.atLineStart) {
        parts.push(Buffer.from(`${(this.options.now?.() ?? new Date()).toISOString()} `));
        this.atLineStart = false;
      }
      if (chunk[i] === 0x0a) {
        parts.push(chunk.subarray(start, i + 1));
        start = i + 1;
        this.atLineStart = true;
      }
    }
    if (start < chunk.length) parts.push(chunk.subarray(start));
    this.stream.write(Buffer.concat(parts));
  }

  /** Flushes and closes; idempotent. Throws when a write failed (disk full…). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => this.stream.end(() => resolve()));
    if (this.failure !== undefined) throw new DevicesError('PROGRAM_FAILED', `The serial log ${this.options.path} is incomplete: ${this.failure.message}.`, { cause: this.failure });
  }
}
