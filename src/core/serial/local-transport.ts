/**
 * A local serial port through serialport's binding (the BindingInterface of
 * @serialport/bindings-interface), driven directly: one read loop into a reused buffer and one
 * write at a time, as the interface requires. The binding is a constructor option so tests pass a
 * stand-in (test/unit/core/serial/stand-in-binding.ts) for what a pty cannot show: DTR/RTS,
 * break, EACCES/EBUSY. The port is opened with `lock: true` (flock), so a second opener — ours or
 * another program's — fails instead of sharing the bytes.
 */
import type { BindingInterface, BindingPortInterface, OpenOptions } from '@serialport/bindings-interface';
import { isatty, ReadStream } from 'node:tty';
import { DevicesError } from '../errors';
import { runChecked } from '../exec';
import type { Logger } from '../log';
import type { ControlSignals, SerialTransport, TransportCapabilities, TransportEnd } from './serial-transport';
import type { SerialOptions } from './serial-options';

/** serialport's stream pools its reads the same way (64 KiB pool, 16 KiB minimum room). */
const READ_POOL_BYTES = 64 * 1024;
const MIN_READ_BYTES = 16 * 1024;

export interface LocalTransportOptions {
  /** The serialport binding; default the platform's (bindings-cpp). */
  readonly binding?: BindingInterface;
  readonly logger?: Logger;
}

/**
 * serialport's Unix binding knows none/even/odd parity and 1 or 2 stop bits. Mark and space are
 * odd and even plus CMSPAR, which `stty cmspar` adds after the open (needsCmspar); 1.5 stop bits
 * exist in termios only as CSTOPB with 5 data bits.
 */
export function bindingOpenOptions(path: string, options: SerialOptions): OpenOptions {
  if (options.stopBits === 1.5 && options.dataBits !== 5) {
    throw new DevicesError('UNSUPPORTED', `Cannot open ${path} with ${String(options.dataBits)} data bits and 1.5 stop bits: Linux has 1.5 stop bits only with 5 data bits. Choose 1 or 2 stop bits.`);
  }
  return {
    path,
    baudRate: options.baudRate,
    dataBits: options.dataBits,
    stopBits: options.stopBits === 1.5 ? 2 : options.stopBits,
    parity: options.parity === 'mark' ? 'odd' : options.parity === 'space' ? 'even' : options.parity,
    rtscts: options.flowControl === 'rtscts',
    xon: options.flowControl === 'xonxoff',
    xoff: options.flowControl === 'xonxoff',
    xany: false,
    lock: true,
    // Keep DTR up on close: dropping it resets many boards (Arduino-style auto-reset) when the
    // user only meant to close the terminal.
    hupcl: false,
  };
}

function needsCmspar(options: SerialOptions): boolean {
  return options.parity === 'mark' || options.parity === 'space';
}

/**
 * The platform's binding (bindings-cpp), loaded on first open: requiring serialport loads its
 * native addon, which the extension must not pay for at activation.
 */
async function platformBinding(): Promise<BindingInterface> {
  const { SerialPort } = await import('serialport');
  return SerialPort.binding;
}

async function applyCmspar(path: string, options: SerialOptions, platform: boolean, logger: Logger | undefined): Promise<void> {
  // Only the real binding has a real tty behind the path; a stand-in has nothing for stty.
  if (!platform) return;
  await runChecked(['stty', '-F', path, needsCmspar(options) ? 'cmspar' : '-cmspar'], { ...(logger === undefined ? {} : { logger }) });
}

function isCanceled(error: unknown): boolean {
  return typeof error === 'object' && error !== null && Reflect.get(error, 'canceled') === true;
}

export const LOCAL_CAPABILITIES: TransportCapabilities = { setSignals: true, pulse: 'each', sendBreak: true, changeBaudLive: true };

export class LocalTransport implements SerialTransport {
  readonly capabilities = LOCAL_CAPABILITIES;
  readonly description: string;
  private readonly dataListeners: ((chunk: Buffer) => void)[] = [];
  private readonly endListeners: ((end: TransportEnd) => void)[] = [];
  private writing: Promise<void> = Promise.resolve();
  private closing = false;
  private ended = false;
  /** serialport's `set` writes every flag on each call, so the current state is kept here. */
  private signals = { dtr: true, rts: true };
  private ttyStream: ReadStream | undefined;

  private constructor(
    private port: BindingPortInterface,
    private readonly path: string,
    private options: SerialOptions,
    private readonly binding: BindingInterface,
    /** The platform's own binding (a real tty), not a stand-in. */
    private readonly platform: boolean,
    private readonly logger: Logger | undefined,
  ) {
    this.description = path;
  }

  /** Opens the port; the binding's error (e.g. "Permission denied, cannot open …") is thrown as is
   * for diagnose-open.ts to explain. */
  static async open(path: string, options: SerialOptions, transportOptions: LocalTransportOptions = {}): Promise<LocalTransport> {
    // The autodetected binding is typed with its platform's narrower options (parity 'none' |
    // 'even' | 'odd'); bindingOpenOptions only produces those.
    const binding: BindingInterface = transportOptions.binding ?? (await platformBinding());
    const port = await binding.open(bindingOpenOptions(path, options));
    if (needsCmspar(options)) {
      try {
        await applyCmspar(path, options, transportOptions.binding === undefined, transportOptions.logger);
      } catch (error) {
        await port.close().catch(() => undefined);
        throw error;
      }
    }
    const transport = new LocalTransport(port, path, options, binding, transportOptions.binding === undefined, transportOptions.logger);
    transport.startReading(port);
    return transport;
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.dataListeners.push(listener);
  }

  onEnd(listener: (end: TransportEnd) => void): void {
    this.endListeners.push(listener);
  }

  private startReading(port: BindingPortInterface): void {
    const fd: unknown = Reflect.get(port, 'fd');
    if (typeof fd === 'number' && isatty(fd)) this.startTtyStream(port, fd);
    else this.startBindingReads(port);
  }

  /**
   * The fast path for a real tty: libuv reads it on the event loop (epoll) instead of the
   * binding's thread-pool read per chunk, which measured 1.3–2× faster on a pty pair
   * (bench/serial). libuv opens the tty again for itself, so the binding's fd (writes, ioctls,
   * the flock) is untouched.
   */
  private startTtyStream(port: BindingPortInterface, fd: number): void {
    const stream = new ReadStream(fd);
    this.ttyStream = stream;
    stream.on('data', (chunk: Buffer) => {
      if (port !== this.port) return;
      for (const listener of this.dataListeners) listener(chunk);
    });
    stream.on('error', (error) => {
      if (port !== this.port || this.closing) return;
      this.end(error.message);
    });
    stream.on('end', () => {
      if (port !== this.port || this.closing) return;
      this.end('end of input');
    });
  }

  private stopTtyStream(): void {
    this.ttyStream?.destroy();
    this.ttyStream = undefined;
  }

  private startBindingReads(port: BindingPortInterface): void {
    void (async () => {
      // Reads land in a pool and listeners get views into it that are never overwritten (they
      // may keep them: the log, a test's capture); a tty read returns at most its 4 KiB line
      // buffer, so one big buffer per read would allocate 16 times what arrives.
      let pool = Buffer.allocUnsafe(READ_POOL_BYTES);
      let offset = 0;
      const nextRead = (): Promise<{ bytesRead: number }> => {
        if (pool.length - offset < MIN_READ_BYTES) {
          pool = Buffer.allocUnsafe(READ_POOL_BYTES);
          offset = 0;
        }
        return port.read(pool, offset, pool.length - offset);
      };
      let reading = nextRead();
      for (;;) {
        let bytesRead: number;
        try {
          ({ bytesRead } = await reading);
        } catch (error) {
          if (port !== this.port || this.closing) return;
          if (isCanceled(error) && !port.isOpen) return;
          this.end(error instanceof Error ? error.message : String(error));
          return;
        }
        if (port !== this.port) return;
        const chunk = pool.subarray(offset, offset + bytesRead);
        offset += bytesRead;
        // The next read runs (in libuv's pool) while the listeners handle this chunk.
        reading = nextRead();
        reading.catch(() => undefined);
        for (const listener of this.dataListeners) listener(chunk);
      }
    })();
  }

  private end(reason: string): void {
    if (this.ended || this.closing) return;
    this.ended = true;
    this.logger?.info(`serial ${this.path}: port went away (${reason})`);
    this.stopTtyStream();
    void this.port.close().catch(() => undefined);
    for (const listener of this.endListeners) listener({ reason });
  }

  write(data: Buffer): Promise<void> {
    const next = this.writing.then(async () => {
      if (this.closing || this.ended) throw new Error(`${this.path} is closed`);
      await this.port.write(data);
    });
    // The chain continues after a failed write; the caller still sees the failure.
    this.writing = next.catch(() => undefined);
    return next;
  }

  async setOptions(options: SerialOptions): Promise<void> {
    const previous = this.options;
    this.options = options;
    const onlyBaud = needsCmspar(previous) === needsCmspar(options) && previous.dataBits === options.dataBits && previous.parity === options.parity && previous.stopBits === options.stopBits && previous.flowControl === options.flowControl;
    if (onlyBaud) {
      if (previous.baudRate !== options.baudRate) await this.port.update({ baudRate: options.baudRate });
      return;
    }
    // The binding sets frame and flow control only at open: reopen, keeping the read loop's
    // listeners. Bytes in flight during the switch may be lost, as on any reconfigure.
    await this.writing;
    const old = this.port;
    this.stopTtyStream();
    const reopened = await (async () => {
      await old.close().catch(() => undefined);
      return this.binding.open(bindingOpenOptions(this.path, options));
    })();
    this.port = reopened;
    await applyCmspar(this.path, options, this.platform, this.logger);
    // Restore lines the user lowered; a pty has no modem lines (ENOTTY), so only when needed.
    if (!this.signals.dtr || !this.signals.rts) await this.port.set({ ...this.signals, brk: false });
    this.startReading(reopened);
  }

  async setSignals(signals: ControlSignals): Promise<void> {
    this.signals = { dtr: signals.dtr ?? this.signals.dtr, rts: signals.rts ?? this.signals.rts };
    await this.port.set({ ...this.signals, brk: false });
  }

  async pulse(lines: 'dtr' | 'rts' | 'both', ms: number): Promise<void> {
    const kept = { ...this.signals };
    await this.setSignals({ ...(lines !== 'rts' ? { dtr: false } : {}), ...(lines !== 'dtr' ? { rts: false } : {}) });
    await new Promise((resolve) => setTimeout(resolve, ms));
    await this.setSignals({ ...(lines !== 'rts' ? { dtr: true } : { dtr: kept.dtr }), ...(lines !== 'dtr' ? { rts: true } : { rts: kept.rts }) });
  }

  async sendBreak(ms: number): Promise<void> {
    await this.port.set({ ...this.signals, brk: true });
    await new Promise((resolve) => setTimeout(resolve, ms));
    await this.port.set({ ...this.signals, brk: false });
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.writing;
    this.stopTtyStream();
    if (this.port.isOpen) await this.port.close().catch((error: unknown) => this.logger?.debug(`serial ${this.path}: close: ${String(error)}`));
  }
}
