/**
 * A serial port on a board, through ONE ssh2 exec channel and nothing beyond coreutils and sh on
 * the board. The channel runs RELAY_SCRIPT: `stty -F` sets the line (stty-args.ts), the port is
 * opened once read-write on fd 3, a background `cat` copies the channel's stdin to the port and a
 * foreground `cat` copies the port to the channel's stdout. When the port goes away the reader
 * ends and the script exits 100, which the session takes as an unplug. Setting changes and the
 * hang-up pulse run `stty -F` on a second, short channel. See stty-args.ts for what is offered.
 */
import { DevicesError } from '../errors';
import type { Logger } from '../log';
import type { RemoteProcess, SshConnection } from '../remote';
import type { ControlSignals, SerialTransport, TransportCapabilities, TransportEnd } from './serial-transport';
import type { SerialOptions } from './serial-options';
import { sttyArgs } from './stty-args';

/** Printed on stderr once the port is open, so `open` knows the relay runs. */
export const RELAY_READY_MARK = 'nixos-devices-serial-open';

// stty sets what it can and then fails when reading back differs ("unable to perform all
// requested operations"): a pty forces cs8 and -parenb, a UART may lack cmspar. That is a warning
// (printed, the line is as close as the port allows); any other stty failure is fatal.
const STTY_STEP = 'e=$(stty -F "$p" "$@" 2>&1) || case $e in *"unable to perform all"*) echo "$e" >&2 ;; *) echo "$e" >&2; exit 101 ;; esac';
const STTY_SCRIPT = ['p=$1; shift', STTY_STEP].join('\n');

// A non-interactive sh gives background jobs /dev/null as stdin, so stdin is kept on fd 4 first.
// The writer's stderr goes to /dev/null: its only failure is the port vanishing, which the reader
// reports. Exit codes: 101 stty failed, 102 open failed, 100 the port went away.
export const RELAY_SCRIPT = [
  'p=$1; shift',
  STTY_STEP,
  'exec 3<>"$p" 4<&0 || exit 102',
  `echo ${RELAY_READY_MARK} >&2`,
  'cat <&4 >&3 2>/dev/null & w=$!',
  'cat <&3',
  'kill $w 2>/dev/null',
  'exit 100',
].join('\n');

const WAIT_SCRIPT = 'while [ ! -e "$1" ]; do sleep 1; done';
// `stty 0` hangs up but then reports "unable to perform all requested operations" (the speed
// reads back differently), so its status is ignored; restoring the baud is what must succeed.
const PULSE_SCRIPT = 'stty -F "$1" 0 2>/dev/null; sleep "$2"; stty -F "$1" "$3"';

export const REMOTE_CAPABILITIES: TransportCapabilities = { setSignals: false, pulse: 'both', sendBreak: false, changeBaudLive: true };

export interface RemoteTransportOptions {
  readonly logger?: Logger;
  /** The board's name in messages. */
  readonly deviceName?: string;
}

export class RemoteTransport implements SerialTransport {
  readonly capabilities = REMOTE_CAPABILITIES;
  readonly description: string;
  private readonly dataListeners: ((chunk: Buffer) => void)[] = [];
  private readonly endListeners: ((end: TransportEnd) => void)[] = [];
  private closing = false;
  private stderrTail = '';

  private constructor(
    private readonly connection: SshConnection,
    private readonly process: RemoteProcess,
    private readonly abort: AbortController,
    private readonly path: string,
    private options: SerialOptions,
    private readonly logger: Logger | undefined,
  ) {
    this.description = `${path} on ${connection.target}`;
  }

  static async open(connection: SshConnection, path: string, options: SerialOptions, transportOptions: RemoteTransportOptions = {}): Promise<RemoteTransport> {
    const abort = new AbortController();
    const where = `${path} on ${transportOptions.deviceName ?? connection.target}`;
    const process = await connection.spawn(['sh', '-c', RELAY_SCRIPT, 'sh', path, ...sttyArgs(options)], { signal: abort.signal, cancelSignal: 'TERM' });
    let stderr = '';
    const ready = new Promise<void>((resolve, reject) => {
      const onStderr = (chunk: Buffer): void => {
        stderr += chunk.toString('utf-8');
        if (stderr.includes(RELAY_READY_MARK)) {
          process.stderr.off('data', onStderr);
          const warning = stderr.slice(0, stderr.indexOf(RELAY_READY_MARK)).trim();
          if (warning !== '') transportOptions.logger?.warn(`serial ${where}: ${warning} (the port does not take every setting)`);
          resolve();
        }
      };
      process.stderr.on('data', onStderr);
      process.result.then(
        (exit) => {
          const said = stderr.replace(RELAY_READY_MARK, '').trim();
          const step = exit.exitCode === 101 ? `stty could not set ${where} to ${String(options.baudRate)} baud` : `Could not open ${where}`;
          reject(new DevicesError(/Permission denied/i.test(said) ? 'PERMISSION_DENIED' : /No such file/i.test(said) ? 'NOT_FOUND' : 'PORT_UNAVAILABLE', `${step}: ${said === '' ? `exit ${String(exit.exitCode)}` : said}.${/Permission denied/i.test(said) ? ' The SSH user needs to be in the group that owns the port (usually dialout; on NixOS `users.users.<name>.extraGroups = [ "dialout" ]`).' : ''}`));
        },
        (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))),
      );
    });
    // The data must flow before `ready` resolves: the port may talk at once.
    const transport = new RemoteTransport(connection, process, abort, path, options, transportOptions.logger);
    process.stdout.on('data', (chunk: Buffer) => {
      for (const listener of transport.dataListeners) listener(chunk);
    });
    try {
      await ready;
    } catch (error) {
      abort.abort();
      throw error;
    }
    process.stderr.on('data', (chunk: Buffer) => {
      transport.stderrTail = (transport.stderrTail + chunk.toString('utf-8')).slice(-500);
    });
    process.result.then(
      (exit) => transport.ended(exit.exitCode === 100 ? `the port went away${transport.stderrTail.trim() === '' ? '' : ` (${transport.stderrTail.trim()})`}` : `the relay on the board ended (exit ${String(exit.exitCode ?? exit.signal)})`),
      (error: unknown) => transport.ended(error instanceof Error ? error.message : String(error)),
    );
    transportOptions.logger?.info(`serial ${where}: relay open`);
    return transport;
  }

  /** Resolves once `path` exists on the board (after an unplug), or rejects when `signal` aborts. */
  static async waitForPath(connection: SshConnection, path: string, signal: AbortSignal): Promise<void> {
    await connection.execChecked(['sh', '-c', WAIT_SCRIPT, 'sh', path], { signal, cancelSignal: 'KILL' });
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.dataListeners.push(listener);
  }

  onEnd(listener: (end: TransportEnd) => void): void {
    this.endListeners.push(listener);
  }

  private ended(reason: string): void {
    if (this.closing) return;
    this.closing = true;
    for (const listener of this.endListeners) listener({ reason });
  }

  write(data: Buffer): Promise<void> {
    if (this.closing) return Promise.reject(new Error(`${this.description} is closed`));
    return new Promise((resolve, reject) => {
      // Resolve on the callback (handed to ssh2's window), which also gives backpressure.
      this.process.stdin.write(data, (error) => (error === null || error === undefined ? resolve() : reject(error)));
    });
  }

  async setOptions(options: SerialOptions): Promise<void> {
    this.options = options;
    const result = await this.connection.execChecked(['sh', '-c', STTY_SCRIPT, 'sh', this.path, ...sttyArgs(options)]);
    if (result.stderr.trim() !== '') this.logger?.warn(`serial ${this.description}: ${result.stderr.trim()} (the port does not take every setting)`);
  }

  setSignals(_signals: ControlSignals): Promise<void> {
    return Promise.reject(new DevicesError('UNSUPPORTED', `Cannot set DTR/RTS on ${this.description}: over SSH only what stty can do is offered (baud, frame, flow control, a hang-up pulse of DTR and RTS together). Use the port locally for DTR/RTS.`));
  }

  async pulse(lines: 'dtr' | 'rts' | 'both', ms: number): Promise<void> {
    if (lines !== 'both') {
      throw new DevicesError('UNSUPPORTED', `Cannot pulse ${lines.toUpperCase()} alone on ${this.description}: stty can only hang up (drop DTR and RTS together). Pulse both, or use the port locally.`);
    }
    await this.connection.execChecked(['sh', '-c', PULSE_SCRIPT, 'sh', this.path, (ms / 1000).toFixed(3), String(this.options.baudRate)]);
  }

  sendBreak(_ms: number): Promise<void> {
    return Promise.reject(new DevicesError('UNSUPPORTED', `Cannot send a break on ${this.description}: stty has no break. Use the port locally for a break.`));
  }

  async close(): Promise<void> {
    if (this.closing && this.abort.signal.aborted) return;
    this.closing = true;
    this.process.stdin.end();
    this.abort.abort();
    await this.process.result.catch(() => undefined);
  }
}
