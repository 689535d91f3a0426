/**
 * Several devices deployed in parallel, each a child Job with its own magic rollback. Bounded:
 * at most `concurrency` devices at once. All-or-nothing: every device holds its confirmation
 * until all are activated and healthy; if any fails, none confirms, so every board rolls back
 * (all devices then run at once, since a device waiting at the barrier holds its slot).
 */
import { setMaxListeners } from 'node:events';
import { Job } from '../jobs';
import { SILENT_LOGGER, type Logger } from '../log';
import type { ClosurePath } from './closure-diff';
import { sharedExports, type SharedExport } from './closure-copy';
import { localClosureSizes } from './closure-info';
import { deployToDevice, type DeviceDeployReport, type DeviceDeployRequest } from './deploy-device';

export const DEFAULT_DEPLOY_CONCURRENCY = 4;
/** Paths several devices lack are exported once and held in memory up to this NAR size per set… */
export const SHARED_EXPORT_SET_BYTES = 64 * 1024 * 1024;
/** …and this much in all; past it each device streams its own export. */
export const SHARED_EXPORT_TOTAL_BYTES = 256 * 1024 * 1024;

export interface DeployManyOptions {
  readonly concurrency?: number;
  readonly allOrNothing?: boolean;
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
}

/** Resolves every device's gate together: true when all arrived, false once any finished without arriving. */
class Barrier {
  private arrived = 0;
  private decided: boolean | undefined;
  private readonly waiters: ((go: boolean) => void)[] = [];
  constructor(private readonly size: number) {}

  arrive(): Promise<boolean> {
    if (this.decided !== undefined) return Promise.resolve(this.decided);
    this.arrived += 1;
    const waiting = new Promise<boolean>((resolve) => this.waiters.push(resolve));
    if (this.arrived === this.size) this.decide(true);
    return waiting;
  }

  /** A device ended without reaching the gate. */
  fail(): void {
    this.decide(false);
  }

  private decide(go: boolean): void {
    if (this.decided !== undefined) return;
    this.decided = go;
    for (const waiter of this.waiters.splice(0)) waiter(go);
  }
}

/** Runs `tasks` with at most `limit` at once, keeping their order in the results. */
async function bounded<T>(count: number, limit: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, count)) }, worker));
  return results;
}

export function startDeployMany(requests: readonly DeviceDeployRequest[], options: DeployManyOptions = {}): Job<DeviceDeployReport[]> {
  const logger = options.logger ?? SILENT_LOGGER;
  const title = requests.length === 1 ? `Deploy ${requests[0]?.node ?? ''}` : `Deploy ${String(requests.length)} devices`;
  return Job.start(
    title,
    async (context) => {
      // Each child Job listens to this signal: many devices are expected, not a leak.
      setMaxListeners(Math.max(10, requests.length * 2 + 10), context.signal);
      const barrier = options.allOrNothing === true ? new Barrier(requests.length) : undefined;
      const limit = barrier === undefined ? (options.concurrency ?? DEFAULT_DEPLOY_CONCURRENCY) : requests.length;
      let finished = 0;
      // Devices deploying the same system share one local closure query.
      const closures = new Map<string, Promise<ClosurePath[]>>();
      const localClosure = (nixEnv: Readonly<Record<string, string>> | undefined) => (path: string): Promise<ClosurePath[]> => {
        let closure = closures.get(path);
        if (closure === undefined) {
          closure = localClosureSizes(path, { ...(nixEnv === undefined ? {} : { nixEnv }), signal: context.signal, logger });
          closures.set(path, closure);
        }
        return closure;
      };
      // Devices lacking the same paths share one export of them (keyed by the local store's env).
      const exportsByEnv = new Map<string, SharedExport>();
      const sharedExport = (nixEnv: Readonly<Record<string, string>> | undefined): SharedExport => {
        const key = JSON.stringify(nixEnv ?? {});
        let found = exportsByEnv.get(key);
        if (found === undefined) {
          found = sharedExports({ ...(nixEnv === undefined ? {} : { nixEnv }), signal: context.signal, logger, perSetBytes: SHARED_EXPORT_SET_BYTES, totalBytes: SHARED_EXPORT_TOTAL_BYTES });
          exportsByEnv.set(key, found);
        }
        return found;
      };
      return bounded(requests.length, limit, async (index) => {
        const base = requests[index];
        if (base === undefined) throw new Error('no request');
        let arrived = false;
        const shared: DeviceDeployRequest = {
          ...base,
          ...(base.localClosure === undefined ? { localClosure: localClosure(base.nixEnv) } : {}),
          // One device has nothing to share with: its export streams straight into the board.
          ...(base.sharedExport === undefined && requests.length > 1 ? { sharedExport: sharedExport(base.nixEnv) } : {}),
        };
        const request: DeviceDeployRequest =
          barrier === undefined
            ? shared
            : {
                ...shared,
                gate: async () => {
                  arrived = true;
                  const own = base.gate === undefined ? true : await base.gate();
                  if (!own) barrier.fail();
                  return own && (await barrier.arrive());
                },
              };
        const child = context.child(`Deploy ${base.node}`, (childContext) => deployToDevice(request, childContext, logger));
        const outcome = await child.done;
        if (!arrived) barrier?.fail();
        finished += 1;
        context.progress({ done: finished, total: requests.length, unit: 'items', message: `${String(finished)} of ${String(requests.length)} devices` });
        if (outcome.status === 'succeeded') return outcome.value;
        // deployToDevice ends in an outcome rather than throwing; this covers a bug or a cancel.
        return {
          node: base.node,
          systemPath: base.systemPath,
          deployId: base.deployId ?? '',
          outcome: outcome.status === 'cancelled' ? { kind: 'cancelled', message: outcome.error.message } : { kind: 'failed-before-activation', message: outcome.error.message, code: outcome.error.code },
        };
      });
    },
    options.signal === undefined ? {} : { signal: options.signal },
  );
}
