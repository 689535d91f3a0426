/**
 * One authenticated SSH connection to a device: exec by argv, streamed processes, SFTP.
 * `close()` is idempotent; `closed` turns true when the connection ends for any reason
 * (keepalive timeout, the board going away), so the pool opens a new one next time.
 */
import type { Duplex } from 'node:stream';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import { DevicesError } from '../errors';
import type { Logger } from '../log';
import { ChannelLimit } from './channel-limit';
import { execRemote, type RemoteExecOptions, type RemoteExecResult } from './remote-exec';
import { spawnRemote, type RemoteProcess, type RemoteSpawnOptions } from './remote-process';
import { RemoteFiles } from './sftp';
import type { ResolvedHost } from './ssh-options';

/** How long a closed connection's socket may wait for the device's side of the close. */
export const CLOSE_GRACE_MS = 2000;

export class SshConnection {
  private isClosed = false;
  private files: Promise<RemoteFiles> | undefined;
  private readonly closeListeners = new Set<() => void>();
  private readonly channels = new ChannelLimit();
  /** How this connection is named in messages: `user@host[:port]`. */
  readonly target: string;

  constructor(
    private readonly client: Client,
    readonly host: ResolvedHost,
    private readonly logger: Logger,
  ) {
    this.target = `${host.user}@${host.alias}${host.port === 22 ? '' : `:${String(host.port)}`}`;
    client.on('close', () => this.markClosed());
    client.on('error', (error: unknown) => logger.warn(`ssh ${this.target}: ${String(error)}`));
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Called once when the connection ends, whoever ended it. */
  onClose(listener: () => void): { dispose(): void } {
    this.closeListeners.add(listener);
    return { dispose: () => this.closeListeners.delete(listener) };
  }

  private markClosed(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.logger.debug(`ssh ${this.target}: connection closed`);
    for (const listener of this.closeListeners) listener();
    this.closeListeners.clear();
  }

  private ensureOpen(): void {
    if (this.isClosed) throw new DevicesError('SSH_FAILED', `The SSH connection to ${this.target} is closed; connect again.`);
  }

  /** Runs argv to completion; a non-zero exit resolves (see execChecked). */
  async exec(argv: readonly string[], options: RemoteExecOptions = {}): Promise<RemoteExecResult> {
    this.ensureOpen();
    const release = await this.channels.acquire(options.signal);
    try {
      return await execRemote(this.client, this.target, argv, options, this.logger);
    } finally {
      release();
    }
  }

  /** Like exec, but a non-zero exit is a PROGRAM_FAILED error carrying stderr. */
  async execChecked(argv: readonly string[], options: RemoteExecOptions = {}): Promise<RemoteExecResult> {
    const result = await this.exec(argv, options);
    if (result.exitCode !== 0) {
      const status = result.signal === null ? `exit status ${String(result.exitCode)}` : `signal ${result.signal}`;
      throw new DevicesError('PROGRAM_FAILED', `${argv[0] ?? ''} failed on ${this.target} (${status}): ${result.stderr.trim().split('\n').slice(-3).join(' ')}`, {
        detail: result.stderr,
      });
    }
    return result;
  }

  /** Starts argv with streams for piping (e.g. `nix-store --export` into `nix-store --import`). */
  async spawn(argv: readonly string[], options: RemoteSpawnOptions = {}): Promise<RemoteProcess> {
    this.ensureOpen();
    const release = await this.channels.acquire(options.signal);
    try {
      const process = await spawnRemote(this.client, this.target, argv, options, this.logger);
      process.result.then(release, release);
      return process;
    } catch (error) {
      release();
      throw error;
    }
  }

  /** The SFTP session of this connection, opened on first use. */
  sftp(): Promise<RemoteFiles> {
    this.ensureOpen();
    this.files ??= new Promise<RemoteFiles>((resolve, reject) => {
      this.client.sftp((error: Error | undefined, sftp: SFTPWrapper) => {
        if (error === undefined) {
          resolve(new RemoteFiles(sftp, this.target));
          return;
        }
        this.files = undefined;
        reject(new DevicesError('SSH_FAILED', `Could not open SFTP on ${this.target}: ${error.message}. Check that sshd enables the sftp subsystem.`, { cause: error }));
      });
    });
    return this.files;
  }

  /** A TCP stream to host:port opened by the device (direct-tcpip), e.g. for ProxyJump. */
  forwardOut(host: string, port: number): Promise<Duplex> {
    this.ensureOpen();
    return new Promise((resolve, reject) => {
      this.client.forwardOut('127.0.0.1', 0, host, port, (error: Error | undefined, channel: ClientChannel) => {
        if (error === undefined) resolve(channel);
        else reject(new DevicesError('SSH_FAILED', `${this.target} could not open a connection to ${host} port ${String(port)}: ${error.message}. Check that the jump host may forward (AllowTcpForwarding) and reaches the device.`, { cause: error }));
      });
    });
  }

  close(): void {
    if (this.isClosed) return;
    this.client.end();
    this.markClosed();
    // end() half-closes the socket and waits for the device's FIN. A device that is gone (its
    // link down, a board's namespace deleted) never sends one, and TCP would hold the socket, and
    // a CLI process with it, for its ~15 min of retransmits. ssh2's destroy() is a no-op once
    // ended, so its socket (internal to ssh2) is destroyed if it has not closed by then.
    const socket = (this.client as unknown as { readonly _sock?: { readonly destroyed?: boolean; destroy(): void } })._sock;
    if (socket === undefined || socket.destroyed === true) return;
    const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
    timer.unref();
    this.client.once('close', () => clearTimeout(timer));
  }
}
