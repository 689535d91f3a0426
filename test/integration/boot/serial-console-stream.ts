/**
 * The ConsoleStream the U-Boot helper reads, over a real `serialport` SerialPort on the test
 * board's pty (core/serial's sessions provide the product's own), plus a log of what u-boot did
 * with waits on it.
 */
import { SerialPort } from 'serialport';
import type { UBootConsoleEvent, UBootHelperEvent } from '../../../src/core/boot';
import type { Disposable } from '../../../src/core/jobs';
import type { ConsoleStream } from '../../../src/core/serial/console-stream';

export class SerialConsoleStream implements ConsoleStream {
  private constructor(private readonly port: SerialPort) {}

  static async open(path: string): Promise<SerialConsoleStream> {
    const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    return new SerialConsoleStream(port);
  }

  onData(listener: (chunk: Buffer) => void): Disposable {
    this.port.on('data', listener);
    return { dispose: () => this.port.off('data', listener) };
  }

  write(data: string | Uint8Array): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.port.write(Buffer.from(data), (error) => (error ? reject(error) : this.port.drain(() => resolve())));
    });
  }

  async close(): Promise<void> {
    if (this.port.isOpen) await new Promise<void>((resolve) => this.port.close(() => resolve()));
  }
}

export type LoggedEvent = { readonly at: number } & ({ readonly source: 'console'; readonly event: UBootConsoleEvent } | { readonly source: 'helper'; readonly event: UBootHelperEvent });

/** Everything the detector and the helper reported, in order, with the time it arrived. */
export class EventLog {
  readonly entries: LoggedEvent[] = [];
  private readonly waiters = new Set<() => void>();

  add(entry: LoggedEvent): void {
    this.entries.push(entry);
    for (const wake of [...this.waiters]) wake();
  }

  /** The first entry at or after `from` that matches, with its index. */
  async waitFor(match: (entry: LoggedEvent) => boolean, from: number, what: string, timeoutMs: number): Promise<{ entry: LoggedEvent; index: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.entries.findIndex((entry, i) => i >= from && match(entry));
      const entry = this.entries[index];
      if (entry !== undefined) return { entry, index };
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${String(timeoutMs)} ms; saw ${JSON.stringify(this.entries.slice(from).map((e) => e.event))}`);
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }

  /** The console's `Retrieving file:` paths from index `from` on. */
  retrievedFrom(from: number): string[] {
    return this.entries.slice(from).flatMap((e) => (e.source === 'console' && e.event.kind === 'retrieving-file' ? [e.event.path] : []));
  }
}

export function isConsole<K extends UBootConsoleEvent['kind']>(kind: K): (entry: LoggedEvent) => boolean {
  return (entry) => entry.source === 'console' && entry.event.kind === kind;
}

export function isHelper<K extends UBootHelperEvent['kind']>(kind: K): (entry: LoggedEvent) => boolean {
  return (entry) => entry.source === 'helper' && entry.event.kind === kind;
}
