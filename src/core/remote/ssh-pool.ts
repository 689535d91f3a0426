/**
 * One SSH connection per device, reused by every operation on it (exec, SFTP, deploy), kept
 * alive by keepalive packets and closed after a while without use. A connection that ends is
 * dropped, and the next request opens a new one.
 */
import type { Logger } from '../log';
import { SILENT_LOGGER } from '../log';
import type { AskSecret } from './auth';
import { connectSsh, type UnknownHostPrompt } from './connect';
import { resolveHost, type ResolveHostOptions } from './resolve-host';
import type { SshConnection } from './ssh-connection';
import type { ResolvedHost, SshTarget } from './ssh-options';

/** An unused pooled connection is closed after this long. */
export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;

export interface SshPoolOptions {
  readonly resolve?: Omit<ResolveHostOptions, 'signal' | 'logger'>;
  readonly confirmUnknownHost?: (prompt: UnknownHostPrompt) => Promise<boolean>;
  readonly askSecret?: AskSecret;
  readonly logger?: Logger;
  readonly idleTimeoutMs?: number;
  readonly readyTimeoutMs?: number;
}

interface PoolEntry {
  readonly connection: Promise<SshConnection>;
  timer: NodeJS.Timeout | undefined;
}

function poolKey(target: SshTarget): string {
  return JSON.stringify([target.host, target.port ?? null, target.user ?? null, target.identityFile ?? null]);
}

export class SshPool {
  private readonly entries = new Map<string, PoolEntry>();
  private readonly logger: Logger;
  private disposed = false;

  constructor(private readonly options: SshPoolOptions = {}) {
    this.logger = options.logger ?? SILENT_LOGGER;
  }

  /** Opens a connection that is not pooled (e.g. magic rollback's confirmation must come over
   * a new connection, proving the network still works). The caller closes it. */
  async connectNew(target: SshTarget, options: { readonly signal?: AbortSignal } = {}): Promise<SshConnection> {
    const signal = options.signal === undefined ? {} : { signal: options.signal };
    const resolve = (t: SshTarget): Promise<ResolvedHost> => resolveHost(t, { ...this.options.resolve, logger: this.logger, ...signal });
    const host = await resolve(target);
    return connectSsh(host, {
      resolveJump: resolve,
      logger: this.logger,
      ...signal,
      ...(this.options.confirmUnknownHost ? { confirmUnknownHost: this.options.confirmUnknownHost } : {}),
      ...(this.options.askSecret ? { askSecret: this.options.askSecret } : {}),
      ...(this.options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: this.options.readyTimeoutMs }),
    });
  }

  /** The device's pooled connection, opened when there is none or the last one ended. */
  async connection(target: SshTarget, options: { readonly signal?: AbortSignal } = {}): Promise<SshConnection> {
    options.signal?.throwIfAborted();
    const key = poolKey(target);
    const existing = this.entries.get(key);
    if (existing !== undefined) {
      const connection = await existing.connection.catch(() => undefined);
      if (connection !== undefined && !connection.closed && this.entries.get(key) === existing) {
        this.touch(key, existing, connection);
        return connection;
      }
      if (this.entries.get(key) === existing) this.entries.delete(key);
    }
    if (this.disposed) throw new Error('SshPool used after close()');
    const entry: PoolEntry = { connection: this.connectNew(target, options), timer: undefined };
    this.entries.set(key, entry);
    try {
      const connection = await entry.connection;
      connection.onClose(() => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
        if (entry.timer !== undefined) clearTimeout(entry.timer);
      });
      this.touch(key, entry, connection);
      return connection;
    } catch (error) {
      if (this.entries.get(key) === entry) this.entries.delete(key);
      throw error;
    }
  }

  private touch(key: string, entry: PoolEntry, connection: SshConnection): void {
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      this.logger.debug(`ssh ${connection.target}: closing idle connection`);
      if (this.entries.get(key) === entry) this.entries.delete(key);
      connection.close();
    }, this.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
    entry.timer.unref();
  }

  /** Closes the device's pooled connection, if any (after a reboot, a changed setting). */
  async drop(target: SshTarget): Promise<void> {
    const key = poolKey(target);
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    (await entry.connection.catch(() => undefined))?.close();
  }

  /** Closes every connection; idempotent. */
  async close(): Promise<void> {
    this.disposed = true;
    const entries = [...this.entries.values()];
    this.entries.clear();
    for (const entry of entries) {
      if (entry.timer !== undefined) clearTimeout(entry.timer);
      (await entry.connection.catch(() => undefined))?.close();
    }
  }
}
