/**
 * STAND-IN for serialport's platform binding (@serialport/bindings-cpp), for what a pty cannot
 * show: DTR/RTS and break (a pty has no modem lines) and open failures (EACCES, EBUSY). Shaped
 * like the documented BindingInterface / BindingPortInterface of @serialport/bindings-interface:
 * `open` rejects with the binding's own message texts ("Error: Permission denied, cannot open
 * PATH", "Error Resource temporarily unavailable Cannot lock port"), `set` receives every flag on
 * each call, pending reads reject with `canceled: true` on close. It records each `set` with a
 * timestamp so tests can check order and pulse length.
 */
import type { BindingInterface, BindingPortInterface, OpenOptions, PortInfo, PortStatus, SetOptions, UpdateOptions } from '@serialport/bindings-interface';

export interface RecordedSet {
  readonly at: number;
  readonly options: SetOptions;
}

class CanceledError extends Error {
  readonly canceled = true;
}

export class StandInPort implements BindingPortInterface {
  isOpen = true;
  readonly sets: RecordedSet[] = [];
  readonly written: Buffer[] = [];
  readonly updates: UpdateOptions[] = [];
  private pending: { resolve: (n: number) => void; reject: (e: Error) => void; buffer: Buffer; offset: number; length: number } | undefined;
  private queued: Buffer[] = [];

  constructor(readonly openOptions: Required<OpenOptions>) {}

  /** Bytes "arriving on the wire". */
  receive(data: Buffer | string): void {
    this.queued.push(Buffer.from(data));
    this.flushRead();
  }

  /** The adapter is pulled out: the pending read fails the way bindings-cpp's does (EIO/ENXIO). */
  unplug(): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(Object.assign(new Error('ENXIO: no such device or address, read'), { code: 'ENXIO', disconnect: true }));
  }

  private flushRead(): void {
    const pending = this.pending;
    const next = this.queued[0];
    if (pending === undefined || next === undefined) return;
    const n = Math.min(pending.length, next.length);
    next.copy(pending.buffer, pending.offset, 0, n);
    if (n === next.length) this.queued.shift();
    else this.queued[0] = next.subarray(n);
    this.pending = undefined;
    pending.resolve(n);
  }

  close(): Promise<void> {
    if (!this.isOpen) return Promise.reject(new Error('Port is not open'));
    this.isOpen = false;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(new CanceledError('Port is not open'));
    return Promise.resolve();
  }

  read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
    if (!this.isOpen) return Promise.reject(new CanceledError('Port is not open'));
    return new Promise((resolve, reject) => {
      this.pending = { resolve: (bytesRead) => resolve({ buffer, bytesRead }), reject, buffer, offset, length };
      this.flushRead();
    });
  }

  write(buffer: Buffer): Promise<void> {
    if (!this.isOpen) return Promise.reject(new Error('Port is not open'));
    this.written.push(Buffer.from(buffer));
    return Promise.resolve();
  }

  update(options: UpdateOptions): Promise<void> {
    this.updates.push(options);
    return Promise.resolve();
  }

  set(options: SetOptions): Promise<void> {
    this.sets.push({ at: performance.now(), options: { ...options } });
    return Promise.resolve();
  }

  get(): Promise<PortStatus> {
    return Promise.resolve({ cts: false, dsr: false, dcd: false });
  }

  getBaudRate(): Promise<{ baudRate: number }> {
    return Promise.resolve({ baudRate: this.updates.at(-1)?.baudRate ?? this.openOptions.baudRate });
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  drain(): Promise<void> {
    return Promise.resolve();
  }
}

/** What `open` of a path does: succeed, or fail like bindings-cpp with an errno text. */
export type StandInOpenFailure = 'EACCES' | 'EBUSY' | 'LOCKED' | 'ENOENT';

const FAILURE_MESSAGES: Record<StandInOpenFailure, (path: string) => string> = {
  EACCES: (path) => `Error: Permission denied, cannot open ${path}`,
  EBUSY: (path) => `Error: Device or resource busy, cannot open ${path}`,
  LOCKED: () => 'Error Resource temporarily unavailable Cannot lock port',
  ENOENT: (path) => `Error: No such file or directory, cannot open ${path}`,
};

export class StandInBinding implements BindingInterface<StandInPort> {
  readonly opened: StandInPort[] = [];
  private readonly failures = new Map<string, StandInOpenFailure>();

  failOpen(path: string, failure: StandInOpenFailure | undefined): void {
    if (failure === undefined) this.failures.delete(path);
    else this.failures.set(path, failure);
  }

  list(): Promise<PortInfo[]> {
    return Promise.resolve([]);
  }

  open(options: OpenOptions): Promise<StandInPort> {
    const failure = this.failures.get(options.path);
    if (failure !== undefined) return Promise.reject(new Error(FAILURE_MESSAGES[failure](options.path)));
    const port = new StandInPort({ dataBits: 8, lock: true, stopBits: 1, parity: 'none', rtscts: false, xon: false, xoff: false, xany: false, hupcl: true, ...options });
    this.opened.push(port);
    return Promise.resolve(port);
  }

  get last(): StandInPort {
    const port = this.opened.at(-1);
    if (port === undefined) throw new Error('the stand-in binding has not opened a port');
    return port;
  }
}
