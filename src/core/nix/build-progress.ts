/**
 * BuildProgress folds Nix's internal-json events into what a build looks like now. Facts from
 * Nix's logging.hh and recorded 2.8 logs (test/fixtures/nix-logs):
 * - a Build activity (105) has fields [drvPath, machine, round, nrRounds]; its results carry
 *   log lines (101) and phases (104); its stop does not say whether it succeeded;
 * - the Builds activity (104) gets Progress results [done, expected, running, failed] and Nix
 *   updates them just before it stops a Build, so at the stop we attribute the outcome from them;
 * - a failed builder is reported after the stop, as "builder for '<drv>' failed …" (level 0);
 * - CopyPath (100) [path, from, to], Substitute (108) [path, uri], FileTransfer (101) [uri] with
 *   Progress results in bytes; SetExpected (106) [activityType, n] on the Realise activity.
 * Unknown activity and result types are ignored. Memory is bounded: log tails of a few lines,
 * a cap on derivations, errors and activities kept, whatever the length of the log.
 */
import { ActivityType, ResultType, type NixLogEvent } from './internal-json';
import { DerivationTable, type MutableDerivation } from './build-progress-derivations';
import {
  derivationName,
  type BuildMessage,
  type BuildProgressSnapshot,
  type DerivationCounts,
  type DerivationState,
  type DerivationStatus,
  type NixCounts,
  type TransferKind,
  type TransferStatus,
} from './build-progress-model';

export interface BuildProgressOptions {
  /** Log lines kept per derivation. */
  readonly logTailLines?: number;
  /** Derivations kept; beyond it the oldest finished ones are dropped (counts stay exact). */
  readonly maxDerivations?: number;
  /** Epoch milliseconds; tests pass a fake clock. */
  readonly now?: () => number;
}

export const DEFAULT_LOG_TAIL_LINES = 25;
export const DEFAULT_MAX_DERIVATIONS = 20_000;
/** A builder can print a megabyte on one line; the tail keeps the start of it. */
const MAX_LINE_CHARS = 1_000;
const MAX_ERRORS = 50;
/** Activities in flight; Nix stops what it starts, this only guards against a runaway log. */
const MAX_ACTIVITIES = 50_000;

interface MutableTransfer {
  kind: TransferKind;
  what: string;
  doneBytes: number;
  expectedBytes: number;
  startedAt: number;
}

type Activity =
  | { readonly type: typeof ActivityType.Build | typeof ActivityType.PostBuildHook; readonly drvPath: string }
  | { readonly type: number; readonly drvPath?: undefined };

const BUILDER_FAILED = /builder for '(\/[^']+\.drv)' failed/;
const DRV_IN_TEXT = /'(\/[^']+\.drv)'/;

export class BuildProgress {
  private readonly tailLines: number;
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly derivations: DerivationTable;
  private readonly activities = new Map<number, Activity>();
  private readonly transfers = new Map<number, MutableTransfer>();
  private readonly errors: BuildMessage[] = [];
  private readonly expected: Record<number, number> = {};
  private nixBuilds: NixCounts | undefined;
  private nixCopies: NixCounts | undefined;
  private buildsActivity: number | undefined;
  private copiesActivity: number | undefined;
  /** Outcomes already attributed to stopped builds, against Nix's done/failed counts. */
  private attributedDone = 0;
  private attributedFailed = 0;
  private transfersDone = 0;
  private warnings = 0;
  private planSeeded = false;
  private changes = 0;

  constructor(options: BuildProgressOptions = {}) {
    this.tailLines = Math.max(0, options.logTailLines ?? DEFAULT_LOG_TAIL_LINES);
    this.derivations = new DerivationTable(Math.max(1, options.maxDerivations ?? DEFAULT_MAX_DERIVATIONS));
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
  }

  /** Seeds the derivations that will be built (from the dry-run plan), shown as planned. */
  plan(drvPaths: Iterable<string>): void {
    this.planSeeded = true;
    for (const drvPath of drvPaths) this.derivation(drvPath);
    this.changes++;
  }

  /** A change counter: compare with a snapshot's `version` to skip redraws. */
  get version(): number {
    return this.changes;
  }

  apply(event: NixLogEvent): void {
    switch (event.kind) {
      case 'start':
        this.onStart(event.id, event.type, event.fields, event.text);
        break;
      case 'stop':
        this.onStop(event.id);
        break;
      case 'result':
        this.onResult(event.id, event.type, event.fields);
        break;
      case 'message':
        this.onMessage(event);
        break;
      case 'plain':
        return;
    }
  }

  private onStart(id: number, type: number, fields: readonly unknown[], text: string): void {
    switch (type) {
      case ActivityType.Build: {
        const drvPath = typeof fields[0] === 'string' ? fields[0] : DRV_IN_TEXT.exec(text)?.[1];
        if (drvPath === undefined) return;
        const drv = this.derivation(drvPath);
        this.setState(drv, 'running');
        drv.startedAt = this.now();
        const machine = fields[1];
        if (typeof machine === 'string' && machine.length > 0) drv.machine = machine;
        this.track(id, { type, drvPath });
        break;
      }
      case ActivityType.PostBuildHook: {
        if (typeof fields[0] === 'string') this.track(id, { type, drvPath: fields[0] });
        break;
      }
      case ActivityType.Builds:
        this.buildsActivity = id;
        break;
      case ActivityType.CopyPaths:
        this.copiesActivity = id;
        break;
      case ActivityType.CopyPath:
      case ActivityType.Substitute:
      case ActivityType.FileTransfer: {
        if (this.transfers.size >= MAX_ACTIVITIES) return;
        const kind: TransferKind = type === ActivityType.CopyPath ? 'copy' : type === ActivityType.Substitute ? 'substitute' : 'download';
        const what = typeof fields[0] === 'string' ? fields[0] : text;
        this.transfers.set(id, { kind, what, doneBytes: 0, expectedBytes: 0, startedAt: this.now() });
        break;
      }
      default:
        return; // other and future activity types carry nothing the model shows
    }
    this.changes++;
  }

  private track(id: number, activity: Activity): void {
    if (this.activities.size < MAX_ACTIVITIES) this.activities.set(id, activity);
  }

  private onStop(id: number): void {
    if (this.transfers.delete(id)) {
      this.transfersDone++;
      this.changes++;
      return;
    }
    const activity = this.activities.get(id);
    if (activity === undefined) return;
    this.activities.delete(id);
    if (activity.type !== ActivityType.Build || activity.drvPath === undefined) return;
    const drv = this.derivations.get(activity.drvPath);
    if (drv?.state !== 'running') return;
    drv.finishedAt = this.now();
    const counts = this.nixBuilds;
    if (counts !== undefined && counts.done > this.attributedDone) {
      this.attributedDone++;
      this.setState(drv, 'done');
      drv.logTail = [];
    } else if (counts !== undefined && counts.failed > this.attributedFailed) {
      this.attributedFailed++;
      this.setState(drv, 'failed');
    } else {
      this.setState(drv, 'interrupted');
    }
    this.changes++;
  }

  private onResult(id: number, type: number, fields: readonly unknown[]): void {
    switch (type) {
      case ResultType.BuildLogLine:
      case ResultType.PostBuildLogLine: {
        const drvPath = this.activities.get(id)?.drvPath;
        const line = fields[0];
        if (drvPath === undefined || typeof line !== 'string' || this.tailLines === 0) return;
        const drv = this.derivations.get(drvPath);
        if (drv === undefined) return;
        drv.logTail.push(line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line);
        if (drv.logTail.length > this.tailLines) drv.logTail.shift();
        break;
      }
      case ResultType.SetPhase: {
        const drvPath = this.activities.get(id)?.drvPath;
        const drv = drvPath === undefined ? undefined : this.derivations.get(drvPath);
        if (drv === undefined || typeof fields[0] !== 'string') return;
        drv.phase = fields[0];
        break;
      }
      case ResultType.Progress: {
        const counts = nixCounts(fields);
        if (counts === undefined) return;
        const transfer = this.transfers.get(id);
        if (transfer !== undefined) {
          transfer.doneBytes = counts.done;
          transfer.expectedBytes = counts.expected;
        } else if (id === this.buildsActivity) this.nixBuilds = counts;
        else if (id === this.copiesActivity) this.nixCopies = counts;
        else return;
        break;
      }
      case ResultType.SetExpected: {
        const [activityType, n] = fields;
        if (typeof activityType !== 'number' || typeof n !== 'number') return;
        this.expected[activityType] = n;
        break;
      }
      default:
        return; // FileLinked, FetchStatus and future result types
    }
    this.changes++;
  }

  private onMessage(event: Extract<NixLogEvent, { kind: 'message' }>): void {
    if (event.level === 1) this.warnings++;
    if (event.level !== 0) return;
    const failed = BUILDER_FAILED.exec(event.text)?.[1];
    if (failed !== undefined) {
      const drv = this.derivation(failed);
      if (drv.state !== 'failed') {
        if (drv.state === 'done') this.attributedDone--;
        this.setState(drv, 'failed');
        drv.finishedAt ??= this.now();
      }
      drv.error = event.rawText ?? event.text.replace(/^error:\s*/, '');
    }
    if (this.errors.length < MAX_ERRORS) {
      const message: BuildMessage = {
        level: event.level,
        text: event.text,
        ...(event.rawText === undefined ? {} : { rawText: event.rawText }),
        ...(event.position === undefined ? {} : { position: event.position }),
      };
      this.errors.push(message);
    }
    this.changes++;
  }

  private derivation(drvPath: string): MutableDerivation {
    return this.derivations.ensure(drvPath);
  }

  private setState(drv: MutableDerivation, state: DerivationState): void {
    this.derivations.setState(drv, state);
  }

  /** The derivations whose builds finished, with durations, for the build history. */
  finishedBuilds(): readonly { readonly name: string; readonly durationMs: number; readonly state: DerivationState }[] {
    const finished: { name: string; durationMs: number; state: DerivationState }[] = [];
    for (const drv of this.derivations.values()) {
      if (drv.startedAt !== undefined && drv.finishedAt !== undefined) {
        finished.push({ name: drv.name, durationMs: drv.finishedAt - drv.startedAt, state: drv.state });
      }
    }
    return finished;
  }

  /** The derivation name a Build or PostBuildHook activity belongs to (for log line sources). */
  derivationNameOf(activityId: number): string | undefined {
    const drvPath = this.activities.get(activityId)?.drvPath;
    return drvPath === undefined ? undefined : derivationName(drvPath);
  }

  /** One derivation, or undefined when it was never seen (or evicted after success). */
  derivationStatus(drvPath: string): DerivationStatus | undefined {
    const drv = this.derivations.get(drvPath);
    return drv === undefined ? undefined : freeze(drv);
  }

  /** The counts alone: cheap enough to call on every event. */
  counts(): DerivationCounts {
    const t = this.derivations;
    const [planned, running, done, failed] = [t.count('planned'), t.count('running'), t.count('done'), t.count('failed')];
    const nix = this.nixBuilds;
    // Without a plan, Nix's expected count is the only source of what is still to build.
    const plannedFromNix = nix === undefined ? 0 : Math.max(0, nix.expected - done - running - failed);
    return { planned: Math.max(planned, plannedFromNix), running, done, failed };
  }

  /** A copy of everything: for a renderer, at its own pace (it copies every derivation). */
  snapshot(): BuildProgressSnapshot {
    const nix = this.nixBuilds;
    const snapshot: BuildProgressSnapshot = {
      version: this.changes,
      startedAt: this.startedAt,
      counts: this.counts(),
      expected: { ...this.expected },
      derivations: [...this.derivations.values()].map(freeze),
      transfers: [...this.transfers.values()].map((t): TransferStatus => ({ ...t })),
      transfersDone: this.transfersDone,
      errors: [...this.errors],
      warnings: this.warnings,
      planSeeded: this.planSeeded,
      ...(nix === undefined ? {} : { nixBuilds: nix }),
      ...(this.nixCopies === undefined ? {} : { nixCopies: this.nixCopies }),
    };
    return snapshot;
  }
}

function freeze(drv: MutableDerivation): DerivationStatus {
  return { ...drv, logTail: [...drv.logTail] };
}

function nixCounts(fields: readonly unknown[]): NixCounts | undefined {
  const [done, expected, running, failed] = fields;
  if (typeof done !== 'number' || typeof expected !== 'number') return undefined;
  return {
    done,
    expected,
    running: typeof running === 'number' ? running : 0,
    failed: typeof failed === 'number' ? failed : 0,
  };
}
