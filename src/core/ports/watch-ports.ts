/**
 * Tells a listener when the local ports change (plug, unplug): fs.watch on /dev and
 * /dev/serial/by-id (created and removed with the first and last USB serial device, so /dev/serial
 * is watched too) coalesced by a short debounce, plus a slow poll for filesystems where fs.watch
 * says nothing (some containers, network mounts). The listener only hears about real changes.
 */
import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Disposable } from '../jobs';
import { SILENT_LOGGER } from '../log';
import { listPorts, type ListPortsOptions } from './list-ports';
import type { PortListing } from './port-model';

/** Plugging a device makes udev create the node, then the by-id links: wait for the burst. */
export const PORT_WATCH_DEBOUNCE_MS = 300;
/** The fallback poll, for when no fs event comes. */
export const PORT_POLL_INTERVAL_MS = 5_000;

export interface WatchPortsOptions extends ListPortsOptions {
  readonly debounceMs?: number;
  readonly pollIntervalMs?: number;
  /** Called with the first listing too (default true), so a view needs no separate fetch. */
  readonly emitInitial?: boolean;
}

/** What identifies a listing's content, to skip listeners when nothing changed. */
function signatureOf(listing: PortListing): string {
  return JSON.stringify([listing.ports, listing.probes, listing.fallback?.reason ?? '']);
}

export function watchPorts(listener: (listing: PortListing) => void, options: WatchPortsOptions = {}): Disposable {
  const logger = options.logger ?? SILENT_LOGGER;
  const devRoot = options.devRoot ?? '/dev';
  const debounceMs = options.debounceMs ?? PORT_WATCH_DEBOUNCE_MS;
  let disposed = false;
  let last: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  const watchers = new Map<string, FSWatcher>();

  const refresh = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        const listing = await listPorts(options);
        if (disposed) return;
        const signature = signatureOf(listing);
        if (signature !== last) {
          last = signature;
          listener(listing);
        }
      } while (again && !disposed);
    } catch (error) {
      logger.warn(`ports: listing failed: ${String(error)}`);
    } finally {
      running = false;
    }
    watchFolders();
  };
  const schedule = (): void => {
    if (disposed) return;
    clearTimeout(timer);
    timer = setTimeout(() => void refresh().catch(() => undefined), debounceMs);
  };
  // by-id and serial/ come and go with the devices: (re)attach their watchers after each refresh.
  const watchFolders = (): void => {
    if (disposed) return;
    for (const folder of [devRoot, join(devRoot, 'serial'), join(devRoot, 'serial/by-id')]) {
      if (watchers.has(folder)) continue;
      try {
        const watcher = watch(folder, { persistent: false }, schedule);
        watcher.on('error', () => {
          watcher.close();
          watchers.delete(folder);
        });
        watchers.set(folder, watcher);
      } catch {
        // Not there (yet): the next refresh tries again; the poll covers the gap.
      }
    }
  };

  watchFolders();
  const poll = setInterval(schedule, options.pollIntervalMs ?? PORT_POLL_INTERVAL_MS);
  poll.unref();
  if (options.emitInitial ?? true) void refresh().catch(() => undefined);
  else
    void listPorts(options)
      .then((listing) => {
        last = signatureOf(listing);
      })
      .catch(() => undefined);
  return {
    dispose() {
      if (disposed) return;
      disposed = true;
      clearTimeout(timer);
      clearInterval(poll);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
