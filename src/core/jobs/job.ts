/**
 * The Job model: every long operation (build, flash, deploy, a device refresh) is a Job. A Job
 * sends one discriminated union of events to its listeners and ends in a typed outcome. The UI
 * renders any Job as a progress notification plus log lines; the CLI as a progress line or JSON.
 */
import { DevicesError, isCancellation, toDevicesError } from '../errors';

export type ProgressUnit = 'bytes' | 'derivations' | 'paths' | 'items' | 'steps';

export interface JobProgress {
  readonly done: number;
  /** Undefined while the total is not known yet. */
  readonly total?: number;
  readonly unit: ProgressUnit;
  /** The total is an estimate (a compressed image whose size is not recorded). */
  readonly estimated?: boolean;
  /** A short text such as "3 running, 12 planned". */
  readonly message?: string;
}

export type JobLogLevel = 'debug' | 'info' | 'warn' | 'error';

export type JobOutcome<R> =
  | { readonly status: 'succeeded'; readonly value: R }
  | { readonly status: 'failed'; readonly error: DevicesError }
  | { readonly status: 'cancelled'; readonly error: DevicesError };

export type JobEvent<R = unknown> =
  | { readonly kind: 'phase'; readonly phase: string }
  | { readonly kind: 'progress'; readonly progress: JobProgress }
  | { readonly kind: 'log'; readonly level: JobLogLevel; readonly line: string; readonly source?: string }
  | { readonly kind: 'child'; readonly child: Job<unknown> }
  | { readonly kind: 'result'; readonly outcome: JobOutcome<R> };

export interface Disposable {
  dispose(): void;
}

/** What the body of a Job uses to report and to notice a cancel. */
export interface JobContext {
  readonly signal: AbortSignal;
  phase(phase: string): void;
  progress(progress: JobProgress): void;
  log(line: string, level?: JobLogLevel, source?: string): void;
  /** Runs a child Job (parallel work is a Job with child Jobs); its cancel follows the parent's. */
  child<C>(title: string, body: (context: JobContext) => Promise<C>): Job<C>;
}

let nextJobId = 1;

export class Job<R> {
  readonly id: string;
  readonly title: string;
  readonly done: Promise<JobOutcome<R>>;
  private readonly controller = new AbortController();
  private readonly listeners = new Set<(event: JobEvent<R>) => void>();
  private currentPhase: string | undefined;
  private currentProgress: JobProgress | undefined;
  private finalOutcome: JobOutcome<R> | undefined;

  private constructor(title: string, parentSignal: AbortSignal | undefined) {
    this.id = `job-${nextJobId++}`;
    this.title = title;
    if (parentSignal !== undefined) {
      if (parentSignal.aborted) this.controller.abort(parentSignal.reason);
      else parentSignal.addEventListener('abort', () => this.cancel(), { once: true });
    }
    this.done = new Promise<JobOutcome<R>>((resolve) => {
      this.resolveDone = resolve;
    });
  }

  private resolveDone: (outcome: JobOutcome<R>) => void = () => undefined;

  /** Starts `body` on the next tick, so a caller can subscribe before the first event. */
  static start<R>(title: string, body: (context: JobContext) => Promise<R>, options: { signal?: AbortSignal } = {}): Job<R> {
    const job = new Job<R>(title, options.signal);
    setImmediate(() => void job.execute(body));
    return job;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }
  get phase(): string | undefined {
    return this.currentPhase;
  }
  get progress(): JobProgress | undefined {
    return this.currentProgress;
  }
  get outcome(): JobOutcome<R> | undefined {
    return this.finalOutcome;
  }

  /** Subscribes to every later event. A listener that throws is not allowed to stop the job. */
  onEvent(listener: (event: JobEvent<R>) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  cancel(): void {
    if (!this.controller.signal.aborted) {
      this.controller.abort(new DevicesError('CANCELLED', `Cancelled: ${this.title}.`));
    }
  }

  /** Resolves with the value, or rejects with the DevicesError of a failure or cancel. */
  async result(): Promise<R> {
    const outcome = await this.done;
    if (outcome.status === 'succeeded') return outcome.value;
    throw outcome.error;
  }

  private emit(event: JobEvent<R>): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A broken renderer must not break the operation it renders.
      }
    }
  }

  private async execute(body: (context: JobContext) => Promise<R>): Promise<void> {
    const context: JobContext = {
      signal: this.controller.signal,
      phase: (phase) => {
        this.currentPhase = phase;
        this.emit({ kind: 'phase', phase });
      },
      progress: (progress) => {
        this.currentProgress = progress;
        this.emit({ kind: 'progress', progress });
      },
      log: (line, level = 'info', source) => {
        this.emit(source === undefined ? { kind: 'log', level, line } : { kind: 'log', level, line, source });
      },
      child: (title, childBody) => {
        const child = Job.start(title, childBody, { signal: this.controller.signal });
        this.emit({ kind: 'child', child: child as Job<unknown> });
        return child;
      },
    };
    let outcome: JobOutcome<R>;
    try {
      this.controller.signal.throwIfAborted();
      outcome = { status: 'succeeded', value: await body(context) };
    } catch (error) {
      const devicesError = toDevicesError(error);
      outcome =
        isCancellation(devicesError) || this.controller.signal.aborted
          ? {
              status: 'cancelled',
              error: devicesError.code === 'CANCELLED' ? devicesError : new DevicesError('CANCELLED', `Cancelled: ${this.title}.`, { cause: error }),
            }
          : { status: 'failed', error: devicesError };
    }
    this.finalOutcome = outcome;
    this.emit({ kind: 'result', outcome });
    this.resolveDone(outcome);
  }
}
