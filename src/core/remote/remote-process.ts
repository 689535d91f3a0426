/**
 * Runs one argv on the device over an SSH session channel: the command string is
 * `echo $$ >&2; exec ` + `quoteArgv(argv)` (see pid-line.ts). Cancelling must end the remote
 * process: sshd leaves a command without a terminal running after its channel closes. A signal
 * request (RFC 4254 §6.9) is sent, but sshd refuses it for root logins ("session signalling
 * requires privilege separation"), so we also run `kill -SIG -PID` on the session's process group
 * over a second channel, then SIGKILL after a grace period, and close the channel.
 */
import type { Readable, Writable } from 'node:stream';
import { PidLineStripper } from './pid-line';
import type { Client, ClientChannel } from 'ssh2';
import { DevicesError } from '../errors';
import type { Logger } from '../log';
import { quoteArgv } from './quote';

export interface RemoteExit {
  readonly argv: readonly string[];
  /** null when the remote process was ended by a signal or the channel closed without a status. */
  readonly exitCode: number | null;
  readonly signal: string | null;
}

export interface RemoteProcess {
  /** The remote stdin; `end()` it to send EOF. */
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Resolves when the channel has closed; rejects with CANCELLED after an abort. */
  readonly result: Promise<RemoteExit>;
}

/** How long the remote process gets after the cancel signal before SIGKILL. */
export const REMOTE_KILL_GRACE_MS = 3_000;

export interface RemoteSpawnOptions {
  readonly signal?: AbortSignal;
  /** The signal sent to the remote process on abort. Default TERM. */
  readonly cancelSignal?: 'INT' | 'TERM' | 'KILL' | 'HUP';
}

interface ProtocolLike {
  signal(channelId: number, name: string): void;
}

function hasProtocol(value: unknown): value is { _client: { _protocol: ProtocolLike }; outgoing: { id: number; state: string } } {
  if (typeof value !== 'object' || value === null) return false;
  const client: unknown = Reflect.get(value, '_client');
  const outgoing: unknown = Reflect.get(value, 'outgoing');
  if (typeof client !== 'object' || client === null || typeof outgoing !== 'object' || outgoing === null) return false;
  const protocol: unknown = Reflect.get(client, '_protocol');
  return typeof protocol === 'object' && protocol !== null && typeof Reflect.get(protocol, 'signal') === 'function';
}

/** ssh2's `channel.signal()` is a no-op once our side sent EOF (stdin ended), which is the usual
 * case for a command without input; the protocol object still sends the request then. */
function sendSignal(channel: ClientChannel, name: string): void {
  if (channel.writable) {
    channel.signal(name);
    return;
  }
  if (hasProtocol(channel) && (channel.outgoing.state === 'open' || channel.outgoing.state === 'eof')) {
    channel._client._protocol.signal(channel.outgoing.id, name);
  }
}

/** What a channel reported: recorded from the moment it opens, because ssh2 may emit `exit`
 * and `close` in the same tick as the exec callback for a fast command. */
interface OpenedChannel {
  readonly channel: ClientChannel;
  readonly exit: { code: number | null; signal: string | null };
  readonly closed: Promise<void>;
}

export function openChannel(client: Client, command: string): Promise<OpenedChannel> {
  return new Promise((resolve, reject) => {
    try {
      client.exec(command, (error, channel) => {
        if (error !== undefined) {
          reject(error);
          return;
        }
        const exit: OpenedChannel['exit'] = { code: null, signal: null };
        channel.on('exit', (code: unknown, signalName: unknown) => {
          exit.code = typeof code === 'number' ? code : null;
          exit.signal = typeof signalName === 'string' ? signalName : null;
        });
        const closed = new Promise<void>((done) => channel.once('close', () => done()));
        resolve({ channel, exit, closed });
      });
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/** sshd refuses a session ("open failed") while it still counts channels we already closed
 * (MaxSessions); the refusal is transient, so the open is retried a few times with backoff. */
const OPEN_RETRIES = 8;
const OPEN_RETRY_BASE_MS = 25;

async function openWithRetry(client: Client, command: string, signal: AbortSignal | undefined): Promise<OpenedChannel> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await openChannel(client, command);
    } catch (error) {
      if (attempt > OPEN_RETRIES || !(error instanceof Error) || !/open failed/i.test(error.message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, OPEN_RETRY_BASE_MS * attempt));
      signal?.throwIfAborted();
    }
  }
}

export async function spawnRemote(client: Client, target: string, argv: readonly string[], options: RemoteSpawnOptions, logger: Logger): Promise<RemoteProcess> {
  const command = `echo $$ >&2; exec ${quoteArgv(argv)}`;
  options.signal?.throwIfAborted();
  logger.info(`ssh ${target}: ${quoteArgv(argv)}`);
  let opened: OpenedChannel;
  try {
    opened = await openWithRetry(client, command, options.signal);
  } catch (error) {
    throw new DevicesError('SSH_FAILED', `Could not run ${argv[0] ?? ''} on ${target}: ${error instanceof Error ? error.message : String(error)}. The connection may have dropped; try again.`, { cause: error });
  }
  const { channel, exit } = opened;
  let pid: number | undefined;
  const stderr = channel.stderr.pipe(
    new PidLineStripper((found) => {
      pid = found;
    }),
  );
  const killGroup = (signalName: string): void => {
    if (pid === undefined) return;
    // `kill -SIG -PID` (no `--`: dash's kill rejects it) reaches every process of the session.
    openChannel(client, `kill -${signalName} -${String(pid)} 2>/dev/null || kill -${signalName} ${String(pid)} 2>/dev/null`)
      .then((killer) => killer.channel.resume().end())
      .catch((error: unknown) => logger.debug(`ssh ${target}: could not signal ${String(pid)}: ${String(error)}`));
  };
  const result = new Promise<RemoteExit>((resolve, reject) => {
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const cancelSignal = options.cancelSignal ?? 'TERM';
    const cancelled = (): DevicesError =>
      new DevicesError('CANCELLED', `Cancelled ${argv[0] ?? ''} on ${target}; the remote process was sent SIG${cancelSignal}.`);
    const onAbort = (): void => {
      aborted = true;
      sendSignal(channel, cancelSignal);
      killGroup(cancelSignal);
      killTimer = setTimeout(() => {
        killGroup('KILL');
        channel.close();
        // The channel may never close if the connection is gone: do not wait for it.
        reject(cancelled());
      }, REMOTE_KILL_GRACE_MS);
      killTimer.unref();
    };
    if (options.signal?.aborted === true) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    void opened.closed.then(() => {
      options.signal?.removeEventListener('abort', onAbort);
      if (killTimer !== undefined) clearTimeout(killTimer);
      if (aborted) {
        reject(cancelled());
        return;
      }
      logger.debug(`ssh ${target}: ${argv[0] ?? ''} exited with ${exit.signal === null ? String(exit.code) : `signal ${exit.signal}`}`);
      resolve({ argv, exitCode: exit.code, signal: exit.signal });
    });
  });
  // A stream error (e.g. the connection dropped) surfaces through `result` via the close event.
  channel.on('error', (error: unknown) => logger.warn(`ssh ${target}: channel error: ${String(error)}`));
  return { stdin: channel, stdout: channel, stderr, result };
}
