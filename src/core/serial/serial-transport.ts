/**
 * What carries a serial session's bytes: a local port (serialport, local-transport.ts) or a port
 * on a board read and written through one SSH channel (remote-transport.ts). A transport is one
 * open of the port; the session opens a new one after an unplug. Capabilities say which control
 * operations the transport can do, so the UI offers only those.
 */
import type { SerialOptions } from './serial-options';

/** Modem control lines the host drives. */
export interface ControlSignals {
  readonly dtr?: boolean;
  readonly rts?: boolean;
}

export interface TransportCapabilities {
  /** Set DTR and RTS independently and keep them (local ports). */
  readonly setSignals: boolean;
  /** Which lines `pulse` can drop: each alone (local), or only both at once (stty's hang-up,
   * speed 0, over SSH), or none. */
  readonly pulse: 'each' | 'both' | 'none';
  /** Send a break condition (local ports only: stty has no break). */
  readonly sendBreak: boolean;
  /** Baud rate change without reopening. */
  readonly changeBaudLive: boolean;
}

/** Why a transport ended without being asked to: the port went away (unplug, socat killed,
 * the SSH link dropped) — the session then waits for it to come back. */
export interface TransportEnd {
  readonly reason: string;
}

export interface SerialTransport {
  /** Where the port is, for messages: `/dev/ttyUSB0` or `/dev/ttyUSB0 on vulpix`. */
  readonly description: string;
  readonly capabilities: TransportCapabilities;
  onData(listener: (chunk: Buffer) => void): void;
  /** Called once when the port goes away on its own (not after `close()`). */
  onEnd(listener: (end: TransportEnd) => void): void;
  /** Resolves when the bytes were handed to the port (local) or the channel (SSH). */
  write(data: Buffer): Promise<void>;
  /** Applies line settings to the open port (baud live where possible, else a reconfigure). */
  setOptions(options: SerialOptions): Promise<void>;
  setSignals(signals: ControlSignals): Promise<void>;
  /** Drops the given lines for `ms`, then raises them again (resets many boards). */
  pulse(lines: 'dtr' | 'rts' | 'both', ms: number): Promise<void>;
  sendBreak(ms: number): Promise<void>;
  /** Idempotent. */
  close(): Promise<void>;
}

/** Opens one transport for a path with options; the session calls it again to re-attach. */
export type TransportOpener = (path: string, options: SerialOptions) => Promise<SerialTransport>;
