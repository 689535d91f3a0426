/**
 * Waiting for a local port to come back after an unplug, and the path to wait for. udev
 * re-creates /dev/serial/by-id/<adapter> for the same adapter even when the kernel gives it
 * another ttyUSBn, so a session re-attaches by the by-id name when there is one. The wait
 * combines fs.watch on the folder (fast) with a slow poll (the folder itself may vanish with the
 * last adapter, and fs.watch misses events on some filesystems).
 */
import { existsSync, readdirSync, realpathSync, watch, type FSWatcher } from 'node:fs';
import { dirname, join } from 'node:path';
import { DevicesError } from '../errors';

export const BY_ID_DIR = '/dev/serial/by-id';
/** How often the poll looks when fs.watch says nothing: slow, it is only the fallback. */
export const PORT_POLL_INTERVAL_MS = 1_000;

/** The /dev/serial/by-id path that names the same device as `path`, or `path` itself. */
export function reattachPath(path: string, byIdDir: string = BY_ID_DIR): string {
  if (path.startsWith(`${byIdDir}/`)) return path;
  try {
    const target = realpathSync(path);
    for (const name of readdirSync(byIdDir)) {
      const candidate = join(byIdDir, name);
      try {
        if (realpathSync(candidate) === target) return candidate;
      } catch {
        // A link of an adapter being unplugged right now: skip it.
      }
    }
  } catch {
    // No by-id folder (no USB serial adapters, or not Linux): keep the path as given.
  }
  return path;
}

/** Resolves when `path` exists (a dangling link does not count); rejects CANCELLED on abort. */
export function waitForLocalPath(path: string, signal: AbortSignal, pollMs: number = PORT_POLL_INTERVAL_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new DevicesError('CANCELLED', `Stopped waiting for ${path}.`));
      return;
    }
    let watcher: FSWatcher | undefined;
    // existsSync follows links, so a link left behind by a killed process does not count.
    const check = (): void => {
      if (existsSync(path)) finish();
    };
    const timer = setInterval(check, pollMs);
    const onAbort = (): void => finish(new DevicesError('CANCELLED', `Stopped waiting for ${path}.`));
    function finish(error?: Error): void {
      watcher?.close();
      clearInterval(timer);
      signal.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error);
    }
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      watcher = watch(dirname(path), { persistent: false }, check);
      watcher.on('error', () => watcher?.close());
    } catch {
      // The folder is gone too (the last by-id link went with it): the poll covers it.
    }
    check();
  });
}
