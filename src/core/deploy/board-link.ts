/**
 * How the engine reaches one board: the pooled connection for copying and commands, and new
 * unpooled connections for magic rollback's confirmation (a new connection proves the network
 * still works after activation). `execWithin` bounds a remote command in time even when the link
 * is gone and ssh2 would wait for keepalives: a board that stops answering is noticed in seconds.
 */
import { DevicesError } from '../errors';
import type { RemoteExecOptions, RemoteExecResult, SshConnection, SshPool, SshTarget } from '../remote';

export interface BoardLink {
  /** The device's name in messages. */
  readonly name: string;
  /** The shared connection (opened when there is none). */
  connection(signal?: AbortSignal): Promise<SshConnection>;
  /** A new connection that is not shared; the caller closes it. */
  connectNew(signal?: AbortSignal): Promise<SshConnection>;
  /** Forgets the shared connection (it stopped answering); the next call opens a new one. */
  drop(): Promise<void>;
}

/** A BoardLink over an SshPool; the pool's readyTimeoutMs bounds each connection attempt. */
export function boardLinkFromPool(pool: SshPool, target: SshTarget, name: string = target.host): BoardLink {
  const withSignal = (signal: AbortSignal | undefined): { signal?: AbortSignal } => (signal === undefined ? {} : { signal });
  return {
    name,
    connection: (signal) => pool.connection(target, withSignal(signal)),
    connectNew: (signal) => pool.connectNew(target, withSignal(signal)),
    drop: () => pool.drop(target),
  };
}

/**
 * Runs argv and gives up after `timeoutMs` with a TIMEOUT error, whether or not the remote side
 * ever answers (an abort over a dead link may never see the channel close).
 */
export async function execWithin(
  connection: SshConnection,
  argv: readonly string[],
  timeoutMs: number,
  options: RemoteExecOptions = {},
): Promise<RemoteExecResult> {
  const controller = new AbortController();
  const signals = options.signal === undefined ? [controller.signal] : [controller.signal, options.signal];
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new DevicesError('TIMEOUT', `${connection.target} did not answer within ${String(Math.round(timeoutMs / 1000))} s (${argv[0] ?? ''}).`));
    }, timeoutMs);
  });
  const running = connection.exec(argv, { ...options, signal: AbortSignal.any(signals) });
  // Whichever loses the race must not become an unhandled rejection.
  running.catch(() => undefined);
  expired.catch(() => undefined);
  try {
    return await Promise.race([running, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * argv run as root on the board: as is for a root login, else through `sudo -n` (passwordless
 * sudo, as deploy-rs needs for a non-root sshUser; a password prompt cannot be answered from a
 * detached activation).
 */
export function asRoot(connection: SshConnection, argv: readonly string[]): string[] {
  return connection.host.user === 'root' ? [...argv] : ['sudo', '-n', '--', ...argv];
}
