/**
 * A serial console session: a ConsoleStream over a local port or a port on a board, that the
 * terminal UI and the u-boot helper drive. It owns the port, the log and the display transform:
 * - `onData` gives the received bytes unchanged (helpers, tests); `onDisplay` gives the text a
 *   terminal shows (display-transform.ts: timestamps, hex view), plus local echo.
 * - `sendKeys` is what a terminal types: Enter (CR from xterm) becomes the configured line
 *   ending, echoed locally when asked; `write` sends bytes as they are.
 * - The log file gets exactly the received bytes (serial-log.ts).
 * - Unplug: the session stays, reports `waiting` for the path (the /dev/serial/by-id name when
 *   there is one), re-attaches when it comes back and reports `reattached`.
 * - Open failures are diagnosed (diagnose-open.ts); a port another of our sessions has open is
 *   reported with that session's name (port-registry.ts).
 */
import type { BindingInterface } from '@serialport/bindings-interface';
import { DevicesError, toDevicesError } from '../errors';
import type { Disposable } from '../jobs';
import type { Logger } from '../log';
import type { SshConnection } from '../remote';
import type { ConsoleStream } from './console-stream';
import { diagnoseOpenFailure, type SystemView } from './diagnose-open';
import { DisplayTransform } from './display-transform';
import { LOCAL_CAPABILITIES, LocalTransport } from './local-transport';
import type { SerialPortRegistry } from './port-registry';
import { reattachPath, waitForLocalPath } from './port-watch';
import { REMOTE_CAPABILITIES, RemoteTransport } from './remote-transport';
import { SerialLog } from './serial-log';
import { DEFAULT_SERIAL_OPTIONS, formatSerialFrame, lineEndingBytes, normaliseSerialOptions, type SerialOptions } from './serial-options';
import type { ControlSignals, SerialTransport, TransportCapabilities } from './serial-transport';

/** Where the port is. */
export type SerialEndpoint =
  | { readonly kind: 'local'; readonly path: string; readonly binding?: BindingInterface; readonly byIdDir?: string }
  | {
      readonly kind: 'remote';
      readonly path: string;
      readonly deviceName: string;
      /** A live connection to the board (a pool's `get`): called again after the link drops. */
      readonly connection: () => Promise<SshConnection>;
    };

export type SessionState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'open'; readonly description: string }
  | { readonly kind: 'waiting'; readonly path: string; readonly reason: string }
  | { readonly kind: 'reattached'; readonly description: string }
  | { readonly kind: 'closed' };

export type SessionEvent = { readonly kind: 'state'; readonly state: SessionState } | { readonly kind: 'error'; readonly error: DevicesError };

export interface SerialSessionOptions {
  readonly serial?: SerialOptions;
  /** Log the received bytes here; `timestamps` stamps each line (and the header says so). */
  readonly log?: { readonly path: string; readonly timestamps?: boolean };
  /** How this session is named to a second session that wants the same port. */
  readonly name?: string;
  readonly registry?: SerialPortRegistry;
  readonly logger?: Logger;
  /** For diagnosing open failures against fixture trees in tests. */
  readonly systemView?: SystemView;
  /** How long to wait between re-attach attempts when the path is back but will not open yet
   * (udev still setting its group, the board's sshd restarting). */
  readonly retryMs?: number;
}

/** One line for a terminal or status bar: "waiting for /dev/serial/by-id/…". */
export function describeState(state: SessionState): string {
  switch (state.kind) {
    case 'idle':
      return 'not open';
    case 'open':
      return `connected to ${state.description}`;
    case 'waiting':
      return `waiting for ${state.path} (${state.reason})`;
    case 'reattached':
      return `re-attached to ${state.description}`;
    case 'closed':
      return 'closed';
  }
}

const DEFAULT_RETRY_MS = 1_000;

export class SerialSession implements ConsoleStream {
  private transport: SerialTransport | undefined;
  private currentState: SessionState = { kind: 'idle' };
  private serial: SerialOptions;
  private display: DisplayTransform;
  private log: SerialLog | undefined;
  private claim: Disposable | undefined;
  private readonly stop = new AbortController();
  private readonly dataListeners = new Set<(chunk: Buffer) => void>();
  private readonly displayListeners = new Set<(text: string) => void>();
  private readonly eventListeners = new Set<(event: SessionEvent) => void>();
  /** The path re-attached to: the by-id name of the port when it has one. */
  private watchPath: string;

  constructor(
    readonly endpoint: SerialEndpoint,
    private readonly options: SerialSessionOptions = {},
  ) {
    this.serial = options.serial ?? DEFAULT_SERIAL_OPTIONS;
    this.display = new DisplayTransform(this.serial);
    this.watchPath = endpoint.path;
  }

  get state(): SessionState {
    return this.currentState;
  }

  get serialOptions(): SerialOptions {
    return this.serial;
  }

  /** What the port can do (local: DTR/RTS, pulse, break; over SSH: what stty can), so the UI
   * offers only those; known before open. */
  get capabilities(): TransportCapabilities {
    return this.transport?.capabilities ?? (this.endpoint.kind === 'local' ? LOCAL_CAPABILITIES : REMOTE_CAPABILITIES);
  }

  /** "/dev/ttyUSB0 115200 8N1" or "/dev/ttyUSB0 on vulpix 115200 8N1". */
  get title(): string {
    return `${this.endpoint.path}${this.endpoint.kind === 'remote' ? ` on ${this.endpoint.deviceName}` : ''} ${formatSerialFrame(this.serial)}`;
  }

  private get registryKey(): string {
    return this.endpoint.kind === 'local' ? this.endpoint.path : `ssh://${this.endpoint.deviceName}${this.endpoint.path}`;
  }

  onData(listener: (chunk: Buffer) => void): Disposable {
    this.dataListeners.add(listener);
    return { dispose: () => this.dataListeners.delete(listener) };
  }

  /** Text for the terminal: received bytes through the display transform, and local echo. */
  onDisplay(listener: (text: string) => void): Disposable {
    this.displayListeners.add(listener);
    return { dispose: () => this.displayListeners.delete(listener) };
  }

  onEvent(listener: (event: SessionEvent) => void): Disposable {
    this.eventListeners.add(listener);
    return { dispose: () => this.eventListeners.delete(listener) };
  }

  private emit(event: SessionEvent): void {
    for (const listener of this.eventListeners) listener(event);
  }

  private setState(state: SessionState): void {
    this.currentState = state;
    this.options.logger?.info(`serial ${this.endpoint.path}: ${describeState(state)}`);
    this.emit({ kind: 'state', state });
  }

  private showText(text: string): void {
    if (text === '') return;
    for (const listener of this.displayListeners) listener(text);
  }

  /** Opens the port (and the log). Throws a diagnosed DevicesError when it cannot. */
  async open(): Promise<void> {
    if (this.currentState.kind !== 'idle') throw new DevicesError('INTERNAL', `The serial session on ${this.endpoint.path} was already opened.`);
    const holder = await this.options.registry?.holderOf(this.registryKey);
    if (holder !== undefined) throw new DevicesError('PORT_IN_USE', `${this.endpoint.path} is already open in ${holder}. Close that console first, or switch to it.`);
    if (this.endpoint.kind === 'local') this.watchPath = reattachPath(this.endpoint.path, this.endpoint.byIdDir);
    const transport = await this.openTransport(this.endpoint.path);
    try {
      if (this.options.log !== undefined) {
        this.log = await SerialLog.open({ path: this.options.log.path, timestamps: this.options.log.timestamps ?? false, describe: this.title });
      }
      this.claim = await this.options.registry?.claim(this.registryKey, this.options.name ?? `the serial console on ${this.endpoint.path}`);
    } catch (error) {
      await transport.close();
      throw error;
    }
    this.attach(transport);
    this.setState({ kind: 'open', description: transport.description });
  }

  private async openTransport(path: string): Promise<SerialTransport> {
    const endpoint = this.endpoint;
    if (endpoint.kind === 'remote') {
      const connection = await endpoint.connection();
      return RemoteTransport.open(connection, path, this.serial, { deviceName: endpoint.deviceName, ...(this.options.logger === undefined ? {} : { logger: this.options.logger }) });
    }
    try {
      return await LocalTransport.open(path, this.serial, { ...(endpoint.binding === undefined ? {} : { binding: endpoint.binding }), ...(this.options.logger === undefined ? {} : { logger: this.options.logger }) });
    } catch (error) {
      const diagnosis = await diagnoseOpenFailure(path, error, { ...(this.options.registry === undefined ? {} : { registry: this.options.registry }), ...(this.options.systemView === undefined ? {} : { view: this.options.systemView }) });
      throw diagnosis.error;
    }
  }

  private attach(transport: SerialTransport): void {
    this.transport = transport;
    transport.onData((chunk) => this.received(chunk));
    transport.onEnd((end) => {
      if (this.transport !== transport || this.stop.signal.aborted) return;
      this.transport = undefined;
      void this.reattach(end.reason).catch((error: unknown) => this.emit({ kind: 'error', error: toDevicesError(error) }));
    });
  }

  private received(chunk: Buffer): void {
    this.log?.write(chunk);
    for (const listener of this.dataListeners) listener(chunk);
    if (this.displayListeners.size > 0) this.showText(this.display.push(chunk));
  }

  private async waitForPath(path: string): Promise<void> {
    const endpoint = this.endpoint;
    if (endpoint.kind === 'local') return waitForLocalPath(path, this.stop.signal);
    const connection = await endpoint.connection();
    return RemoteTransport.waitForPath(connection, path, this.stop.signal);
  }

  private async pause(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.stop.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  }

  private async reattach(reason: string): Promise<void> {
    const path = this.watchPath;
    this.setState({ kind: 'waiting', path, reason });
    for (let attempt = 1; !this.stop.signal.aborted; attempt++) {
      try {
        await this.waitForPath(path);
        if (this.stop.signal.aborted) return;
        const transport = await this.openTransport(path);
        if (this.stop.signal.aborted) {
          await transport.close();
          return;
        }
        this.attach(transport);
        this.setState({ kind: 'reattached', description: transport.description });
        return;
      } catch (error) {
        if (this.stop.signal.aborted) return;
        // Right after a replug the node can exist before udev gave it its group; the board's
        // link may be down: keep trying, and tell the user why once in a while.
        if (attempt === 1 || attempt % 30 === 0) this.emit({ kind: 'error', error: toDevicesError(error) });
        await this.pause(this.options.retryMs ?? DEFAULT_RETRY_MS);
      }
    }
  }

  private requireTransport(): SerialTransport {
    if (this.transport !== undefined) return this.transport;
    const s = this.currentState;
    throw new DevicesError('PORT_UNAVAILABLE', s.kind === 'waiting' ? `${this.endpoint.path} is unplugged; waiting for ${s.path} to come back.` : `The serial console on ${this.endpoint.path} is ${describeState(s)}.`);
  }

  /** Sends bytes unchanged (a string as UTF-8). */
  async write(data: string | Uint8Array): Promise<void> {
    await this.requireTransport().write(typeof data === 'string' ? Buffer.from(data, 'utf-8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }

  /** What a terminal typed: Enter (CR, or LF/CRLF from a paste) → the line ending; echoed when
   * local echo is on. */
  async sendKeys(text: string): Promise<void> {
    const ending = lineEndingBytes(this.serial.lineEnding);
    const translated = text.replace(/\r\n|\r|\n/g, ending);
    if (this.serial.localEcho) this.showText(text.replace(/\r\n|\r|\n/g, '\r\n'));
    await this.write(translated);
  }

  /** Changes settings at runtime (baud from the status bar, hex view…); raw values are normalised. */
  async setOptions(changes: Partial<SerialOptions>): Promise<void> {
    const next = normaliseSerialOptions({ ...this.serial, ...changes }, this.serial);
    const previous = this.serial;
    this.serial = next;
    if (next.timestamps !== previous.timestamps || next.hexView !== previous.hexView) this.display = new DisplayTransform(next);
    const lineChanged = next.baudRate !== previous.baudRate || next.dataBits !== previous.dataBits || next.parity !== previous.parity || next.stopBits !== previous.stopBits || next.flowControl !== previous.flowControl;
    // While waiting, the new settings apply at re-attach.
    if (lineChanged && this.transport !== undefined) await this.transport.setOptions(next);
  }

  async setSignals(signals: ControlSignals): Promise<void> {
    await this.requireTransport().setSignals(signals);
  }

  async pulse(lines: 'dtr' | 'rts' | 'both', ms = 100): Promise<void> {
    await this.requireTransport().pulse(lines, ms);
  }

  async sendBreak(ms = 250): Promise<void> {
    await this.requireTransport().sendBreak(ms);
  }

  /** Releases the port, stops waiting, flushes the log. Idempotent. */
  async close(): Promise<void> {
    if (this.currentState.kind === 'closed') return;
    this.stop.abort();
    const transport = this.transport;
    this.transport = undefined;
    this.claim?.dispose();
    try {
      await transport?.close();
    } finally {
      await this.log?.close();
      this.setState({ kind: 'closed' });
    }
  }
}
