/**
 * Bounds the channels open at once on one connection. OpenSSH's sshd allows 10 sessions per
 * connection (MaxSessions) and refuses more with "open failed"; a deploy that runs many commands
 * at once over the pooled connection queues here instead.
 */

/** Below sshd's default MaxSessions (10), leaving room for SFTP, a cancel's kill channel, and
 * sessions sshd has not yet freed: it frees one only after our CLOSE reply arrives, so a
 * channel we count as closed may still count on the server for a moment (see remote-process.ts,
 * which retries an open refused for that reason). */
export const MAX_OPEN_CHANNELS = 6;

export class ChannelLimit {
  private open = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number = MAX_OPEN_CHANNELS) {}

  /** Resolves when a channel may be opened; call the returned function once it has closed. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.open >= this.max) {
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          const index = this.waiting.indexOf(go);
          if (index !== -1) this.waiting.splice(index, 1);
          reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
        };
        const go = (): void => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        this.waiting.push(go);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    this.open += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.open -= 1;
      this.waiting.shift()?.();
    };
  }
}
