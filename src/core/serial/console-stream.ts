/**
 * The byte stream of a console, whatever carries it: a local serial port, a port on a board
 * read through one SSH channel, or a test's pty. The u-boot helper and the terminal UI only
 * need this much, so they work the same over every transport.
 */
import type { Disposable } from '../jobs';

export interface ConsoleStream {
  /** Bytes from the console as they arrive, unmodified. */
  onData(listener: (chunk: Buffer) => void): Disposable;
  /** Sends bytes (a string is sent as UTF-8); resolves when handed to the transport. */
  write(data: string | Uint8Array): Promise<void>;
}
