/**
 * The ports our own sessions have open, so a second console on the same port is told which of
 * ours holds it (the flock would only say "busy"). One registry per extension host or CLI run,
 * created by its composition root; ports are compared by their real path, so
 * /dev/serial/by-id/… and /dev/ttyUSB0 match.
 */
import { realpath } from 'node:fs/promises';
import type { Disposable } from '../jobs';

export class SerialPortRegistry {
  private readonly claims = new Map<symbol, { readonly key: string; readonly owner: string }>();

  private static async key(path: string): Promise<string> {
    return realpath(path).catch(() => path);
  }

  /** Records that `owner` (e.g. "the serial console 'vulpix'") has `path` open. */
  async claim(path: string, owner: string): Promise<Disposable> {
    const id = Symbol(owner);
    this.claims.set(id, { key: await SerialPortRegistry.key(path), owner });
    return { dispose: () => this.claims.delete(id) };
  }

  /** Who of ours holds `path`, or undefined. */
  async holderOf(path: string): Promise<string | undefined> {
    const key = await SerialPortRegistry.key(path);
    for (const claim of this.claims.values()) if (claim.key === key) return claim.owner;
    return undefined;
  }
}
