/**
 * Speed and time left for a flash's progress, derived from the Job's byte counts: a pure
 * meter the CLI and the UI feed with (bytes done, time) and read MB/s and ETA from.
 */
import type { JobProgress } from '../jobs';
import { formatBytes } from './drive';

/** Speed is averaged over this window: long enough to smooth dd's 4 MiB steps, short enough to follow a card that slows down. */
const SPEED_WINDOW_MS = 3_000;

export interface ProgressReading {
  /** 0..1, or undefined without a total. */
  readonly fraction: number | undefined;
  readonly bytesPerSecond: number | undefined;
  readonly secondsLeft: number | undefined;
  readonly estimated: boolean;
}

export class ProgressMeter {
  private samples: { readonly at: number; readonly done: number }[] = [];

  /** Forget the samples when a new phase (writing → verifying) starts counting from zero. */
  reset(): void {
    this.samples = [];
  }

  update(progress: JobProgress, nowMs: number): ProgressReading {
    this.samples.push({ at: nowMs, done: progress.done });
    while (this.samples.length > 2 && (this.samples[0]?.at ?? nowMs) < nowMs - SPEED_WINDOW_MS) this.samples.shift();
    const first = this.samples[0];
    const elapsed = first === undefined ? 0 : (nowMs - first.at) / 1000;
    const bytesPerSecond = first !== undefined && elapsed > 0 ? (progress.done - first.done) / elapsed : undefined;
    const total = progress.total;
    const fraction = total === undefined || total === 0 ? undefined : Math.min(1, progress.done / total);
    const secondsLeft = total !== undefined && bytesPerSecond !== undefined && bytesPerSecond > 0 ? Math.max(0, (total - progress.done) / bytesPerSecond) : undefined;
    return { fraction, bytesPerSecond, secondsLeft, estimated: progress.estimated === true };
  }
}

/** "writing 42% (1.2 GB of 2.9 GB~) 31.5 MB/s, 54 s left"; `~` marks an estimated total. */
export function formatProgress(phase: string, progress: JobProgress, reading: ProgressReading): string {
  const tilde = reading.estimated ? '~' : '';
  const percent = reading.fraction === undefined ? '' : ` ${Math.floor(reading.fraction * 100)}%${tilde}`;
  const amount = progress.total === undefined ? formatBytes(progress.done) : `${formatBytes(progress.done)} of ${formatBytes(progress.total)}${tilde}`;
  const speed = reading.bytesPerSecond === undefined ? '' : ` ${formatBytes(reading.bytesPerSecond)}/s`;
  const left = reading.secondsLeft === undefined ? '' : `, ${Math.ceil(reading.secondsLeft)} s left`;
  return `${phase}${percent} (${amount})${speed}${left}`;
}
